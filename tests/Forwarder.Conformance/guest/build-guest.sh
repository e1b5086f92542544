#!/usr/bin/env bash
# Builds the conformance suite's guest: Debian's own kernel (with its ip_vs modules) and the real
# ipvsadm 1.31, in a small initramfs with busybox and iproute2, booted by QEMU. Everything comes from
# Debian's packages: the kernel, ipvsadm and its libraries, and busybox are downloaded as .debs and
# unpacked (never installed, so the host gains no ipvsadm and no kernel); ip(8) and libc are the host's
# own Debian copies. The guest's packet sender is the suite's own C file.
#
#   tests/Forwarder.Conformance/guest/build-guest.sh [DIR]     (default $FORWARDER_GUEST_DIR or
#                                                                /var/cache/forwarder-conformance)
# Leaves DIR/kernel (an uncompressed vmlinux when the bzImage holds an xz payload, else the bzImage),
# DIR/initramfs.cpio.gz and DIR/versions.txt. Idempotent: a guest built from the same package versions
# is kept. Exits 3, with the reason on stderr, when this machine cannot build or run one.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-${FORWARDER_GUEST_DIR:-/var/cache/forwarder-conformance}}
say() { printf 'build-guest: %s\n' "$*" >&2; }
cannot() { say "$*"; exit 3; }

# ---- host tools --------------------------------------------------------------------------------
need=()
command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
[ -e /usr/lib/x86_64-linux-gnu/libc.a ] || need+=(libc6-dev)
command -v cpio >/dev/null 2>&1 || need+=(cpio)
command -v xz >/dev/null 2>&1 || need+=(xz-utils)
command -v depmod >/dev/null 2>&1 || need+=(kmod)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || cannot "missing ${need[*]} and not root to install them"
  command -v apt-get >/dev/null 2>&1 || cannot "missing ${need[*]} and no apt-get"
  say "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 ||
    cannot "apt-get install ${need[*]} failed"
fi
command -v apt-get >/dev/null 2>&1 || cannot "no apt-get to download Debian's kernel and ipvsadm"

# ---- which versions ----------------------------------------------------------------------------
kernel_package=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-6/ {print $2; exit}')
if [ -z "$kernel_package" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
  kernel_package=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-6/ {print $2; exit}')
fi
[ -n "$kernel_package" ] || cannot "apt knows no linux-image-amd64 (no Debian archive reachable?)"
# iptables (legacy, with its libraries) marks packets in the fwmark scenarios, as an LVS director's mangle rules do.
packages=("$kernel_package" ipvsadm libnl-3-200 libnl-genl-3-200 libpopt0 busybox-static iptables libip4tc2 libip6tc2 libxtables12)
versions=""
for p in "${packages[@]}"; do
  v=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2; exit}')
  [ -n "$v" ] && [ "$v" != "(none)" ] || cannot "apt has no candidate for $p"
  versions+="$p $v"$'\n'
done
versions+="iproute2 $(dpkg-query -W -f='${Version}' iproute2 2>/dev/null)"$'\n'
versions+="libc6 $(dpkg-query -W -f='${Version}' libc6 2>/dev/null)"$'\n'
versions+="sender $(sha256sum "$here/packet-sender.c" "$here/init" "$0" | sha256sum | cut -c1-16)"$'\n'
if [ -f "$out/versions.txt" ] && [ "$(cat "$out/versions.txt")" = "${versions%$'\n'}" ] &&
   [ -f "$out/kernel" ] && [ -f "$out/initramfs.cpio.gz" ]; then
  exit 0
fi

# ---- download and unpack -----------------------------------------------------------------------
mkdir -p "$out"
work=$(mktemp -d "$out/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/debs" "$work/unpacked"
say "downloading ${packages[*]}"
(cd "$work/debs" && apt-get download -qq "${packages[@]}" >/dev/null 2>&1) || {
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
  (cd "$work/debs" && apt-get download -qq "${packages[@]}" >/dev/null 2>&1) || cannot "apt-get download failed"
}
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/unpacked"; done
u=$work/unpacked
kver=$(ls "$u/lib/modules" | head -1)
[ -n "$kver" ] && [ -f "$u/boot/vmlinuz-$kver" ] || cannot "the kernel package holds no vmlinuz"
depmod -b "$u" "$kver"

# ---- the root file system ----------------------------------------------------------------------
r=$work/root
mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,lib,lib64,etc,proc,sys,dev,run,tmp,out,in}
chmod 1777 "$r/tmp"
cp "$u/bin/busybox" "$r/bin/busybox"
# Only the applets the guest uses: ip and anything ipvsadm-like must be the real programs.
for applet in sh ash cat echo mkdir mount umount ls sleep insmod poweroff stty tar gzip base64 sync \
              printf head tail cut sed grep sort uniq wc tr env true false test [ chmod rm cp hostname dmesg \
              expr seq od; do
  ln -sf busybox "$r/bin/$applet"
done

copy_with_libraries() { # BINARY DESTINATION [LIBRARY-PATH]
  local binary=$1 destination=$2 libpath=${3:-} library target
  mkdir -p "$(dirname "$r$destination")"
  cp -L "$binary" "$r$destination"
  LD_LIBRARY_PATH=$libpath ldd "$binary" | awk '/=> \// {print $3} /^\s*\/lib.*ld-linux/ {print $1}' |
    while read -r library; do
      # A library from an unpacked package goes where the guest's loader looks for it.
      case "$library" in "$u"/*) target=/usr/lib/x86_64-linux-gnu/$(basename "$library") ;; *) target=$library ;; esac
      [ -e "$r$target" ] && continue
      mkdir -p "$(dirname "$r$target")"
      cp -L "$library" "$r$target"
    done
}
libs=$u/usr/lib/x86_64-linux-gnu:$u/lib/x86_64-linux-gnu
copy_with_libraries "$u/sbin/ipvsadm" /sbin/ipvsadm "$libs"
copy_with_libraries "$(command -v ip)" /sbin/ip
# iptables-legacy (ip_tables, not nf_tables: fewer modules) under the names an operator types, and only the
# extensions the marks files use.
copy_with_libraries "$u/usr/sbin/xtables-legacy-multi" /sbin/xtables-legacy-multi "$libs"
for name in iptables iptables-restore iptables-save ip6tables ip6tables-restore ip6tables-save; do
  ln -sf xtables-legacy-multi "$r/sbin/$name"
done
mkdir -p "$r/usr/lib/x86_64-linux-gnu/xtables"
for extension in standard MARK mark multiport tcp udp comment; do
  cp "$u/usr/lib/x86_64-linux-gnu/xtables/libxt_$extension.so" "$r/usr/lib/x86_64-linux-gnu/xtables/"
done
cp -L /lib64/ld-linux-x86-64.so.2 "$r/lib64/" 2>/dev/null || true

gcc -static -O2 -Wall -Werror -o "$r/usr/local/bin/packet-sender" "$here/packet-sender.c"
install -m 0755 "$here/init" "$r/init"

printf 'root:x:0:0:root:/root:/bin/sh\n' >"$r/etc/passwd"
printf 'root:x:0:\n' >"$r/etc/group"
printf '127.0.0.1\tlocalhost\n' >"$r/etc/hosts"
printf 'hosts: files\nservices: files\nprotocols: files\n' >"$r/etc/nsswitch.conf"
# ipvsadm names ports from /etc/services: the guest gets the host's, as the suite's other side reads it.
cp /etc/services "$r/etc/services"
cp /etc/protocols "$r/etc/protocols" 2>/dev/null || true

# Modules: the IPVS core, every scheduler, the SIP persistence engine and veth, with their
# dependencies first (modules.dep lists a module's dependencies, nearest first). libcrc32c needs a
# crc32c implementation that modules.dep does not name (a soft dependency): the generic one goes first.
mods=$r/lib/modules/$kver
mkdir -p "$mods"
wanted="kernel/crypto/crc32c_generic.ko kernel/drivers/net/veth.ko kernel/net/netfilter/ipvs/ip_vs.ko"
# The mangle tables and the matches and target the marks files use.
wanted+=" kernel/net/ipv4/netfilter/iptable_mangle.ko kernel/net/ipv6/netfilter/ip6table_mangle.ko"
for x in mark multiport tcpudp comment; do
  wanted+=" kernel/net/netfilter/xt_$x.ko"
done
for s in rr wrr lc wlc fo ovf lblc lblcr dh sh mh sed nq twos pe_sip; do
  wanted+=" kernel/net/netfilter/ipvs/ip_vs_$s.ko"
done
declare -A loaded=()
order=()
add_module() {
  local module=$1 line dependency
  [ -n "${loaded[$module]:-}" ] && return 0
  loaded[$module]=1
  line=$(grep -E "^$module(\.xz|\.zst)?:" "$u/lib/modules/$kver/modules.dep" | head -1 || true)
  [ -n "$line" ] || return 0
  local dependencies=(${line#*:})
  local i
  for ((i = ${#dependencies[@]} - 1; i >= 0; i--)); do
    dependency=${dependencies[$i]%.xz}; dependency=${dependency%.zst}
    add_module "$dependency"
  done
  order+=("$module")
}
for m in $wanted; do add_module "$m"; done
: >"$r/etc/modules.order"
for m in "${order[@]}"; do
  source_file=$u/lib/modules/$kver/$m
  mkdir -p "$(dirname "$mods/$m")"
  if [ -f "$source_file" ]; then cp "$source_file" "$mods/$m"
  elif [ -f "$source_file.xz" ]; then xz -dc "$source_file.xz" >"$mods/$m"
  elif [ -f "$source_file.zst" ]; then zstd -qdc "$source_file.zst" >"$mods/$m"
  else continue; fi
  echo "$m" >>"$r/etc/modules.order"
done
grep -q ip_vs.ko "$r/etc/modules.order" || cannot "the kernel package has no ip_vs module"

(cd "$r" && find . | cpio -o -H newc --quiet | gzip -6) >"$work/initramfs.cpio.gz"

# ---- the kernel: the bzImage's xz payload unpacked boots through PVH without decompressing in TCG
vmlinuz=$u/boot/vmlinuz-$kver
offset=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" | head -1 | cut -d: -f1 || true)
if [ -n "$offset" ] && xz -dc --single-stream < <(tail -c +$((offset + 1)) "$vmlinuz") >"$work/kernel" 2>/dev/null &&
   [ "$(head -c 4 "$work/kernel" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
  :
else
  cp "$vmlinuz" "$work/kernel"
fi

mv "$work/kernel" "$out/kernel"
mv "$work/initramfs.cpio.gz" "$out/initramfs.cpio.gz"
printf '%s' "${versions%$'\n'}" >"$out/versions.txt"
say "guest ready in $out (kernel $kver)"
