#!/usr/bin/env bash
# Forwarder's one entry point.
#
#   ./run-director.sh lab [--keep]          the seed's NAT lab in network namespaces on this machine: the
#                                           director, three web servers, the client's loop, ipvsadm -Ln
#   ./run-director.sh lab --ipv6 [--keep]   the same over IPv6: VIP [2001:db8::199]:80, web1-3 2001:db8:139::254-252
#   ./run-director.sh lab --ha [--keep]     the same with two directors as a keepalived VRRP pair and connection
#                                           sync (src/lab/lab-ha.sh)
#   ./run-director.sh lab --ecmp N [--keep] N directors (mh, direct routing) behind an ECMP router
#   ./run-director.sh [run] [--public IF] [--private IF] [--socket PATH] [--rules FILE] [--save-on-exit]
#                     [--keepalived-conf FILE]
#                                           the live director in the foreground (defaults eth2, eth1),
#                                           after preparing the host (reported); SIGTERM stops it; with
#                                           keepalived.conf, its virtual servers set up and health-checked
#   ./run-director.sh stop                  stop a running director (only the one its pidfile names) and undo
#                                           the host preparation
#   ./run-director.sh reload                have the running director write its connections to its state file
#                                           (SIGHUP; it goes on directing; the next run restores them)
#   ./run-director.sh install [PREFIX]      publish the director once (no SDK needed to run it) into PREFIX
#                                           (/usr/local), with the systemd unit forwarder.service,
#                                           /etc/default/forwarder and the ipvsadm wrapper
#   ./run-director.sh ipvsadm ARGS...       ipvsadm for the running director ($FORWARDER_SOCKET, --socket)
#   ./run-director.sh vip take|release|list [ADDRESS...] [--socket PATH]
#                                           move the addresses the running director owns (keepalived's notify
#                                           scripts; run --vips-owned none starts a backup owning none)
#   ./run-director.sh alive                 exit 0 while the director its pidfile names runs (keepalived's vrrp_script)
#   ./run-director.sh seed                  replay the seed guide's NAT experiment (captures/seed-nat-rr)
#   ./run-director.sh replay ARGS...        forwarder replay --rules F --topology F --in IF=PCAP... --out DIR [--commands F]
#   ./run-director.sh test                  run every test; ends with "N passed, N failed, N skipped"
#   ./run-director.sh race [RUNS] [SECONDS] the kernel's NAT, ours, HAProxy and nginx's stream proxy on the lab,
#                                           interleaved run by run (a benchmark, not a test)
#   ./run-director.sh help                  this text
#
# Each installs what it lacks with apt-get when run as root: replay libpcap; seed libpcap and tcpdump; run
# libpcap, iproute2, ethtool, nftables; lab and test those and nginx, iperf3, curl, python3; test also systemd
# (for systemd-analyze) and keepalived (its --config-test, and its VRRP in the HA lab's namespaces); lab --ha
# keepalived too; race those and wrk,
# haproxy, nginx's stream module.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '%s\n' "$*" >&2; }

# The comment block at the top of this file, without its comment marks: the usage.
usage() { sed -n '2,${/^#/!q;s/^# \{0,1\}//;p}' "$here/run-director.sh"; }

# The Debian packages each command uses, installed once when missing: `ensure_packages replay|seed|run|lab|test|race`.
ensure_packages() {
  local missing=() needs
  case "$1" in
    replay) needs="libpcap" ;;
    seed) needs="libpcap tcpdump" ;;
    run) needs="libpcap ip sysctl ethtool nft" ;;
    lab) needs="libpcap tcpdump ip sysctl ethtool nft nginx iperf3 curl python3" ;;
    lab-ha) needs="libpcap ip sysctl ethtool nft nginx curl keepalived" ;;
    # systemd-analyze checks the unit `install` writes: Debian's systemd package, which never runs as PID 1
    # merely by being installed (systemd-sysv does that), and policy-rc.d keeps it from starting anything.
    # prometheus-node-exporter: the monitoring tests point the real node_exporter at the director's procfs files;
    # keepalived: its --config-test, which the keepalived.conf reader's reports are compared with, and its VRRP daemon,
    # started only inside the HA lab's namespaces (VrrpFailoverLabTests); ping: the client's echo to the IPv6 VIP
    # (Ipv6NeighborDiscoveryLabTests), absent from a minimal Debian.
    test) needs="libpcap tcpdump ip sysctl ethtool nft nginx iperf3 curl python3 systemd-analyze prometheus-node-exporter keepalived ping" ;;
    race) needs="libpcap ip sysctl ethtool nft nginx iperf3 curl python3 wrk haproxy nginx-stream" ;;
  esac
  local need
  for need in $needs; do
    case "$need" in
      libpcap) ldconfig -p 2>/dev/null | grep 'libpcap\.so\.0\.8' >/dev/null || missing+=(libpcap0.8) ;;
      ip) command -v ip >/dev/null 2>&1 || missing+=(iproute2) ;;
      sysctl) command -v sysctl >/dev/null 2>&1 || missing+=(procps) ;;
      ping) command -v ping >/dev/null 2>&1 || missing+=(iputils-ping) ;;
      nft) command -v nft >/dev/null 2>&1 || missing+=(nftables) ;;
      nginx) command -v nginx >/dev/null 2>&1 || missing+=(nginx-light) ;;
      systemd-analyze) command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd) ;;
      # Debian builds nginx's stream proxy as a module of its own, loaded by the race's nginx.conf.
      nginx-stream) [ -e /usr/lib/nginx/modules/ngx_stream_module.so ] || missing+=(libnginx-mod-stream) ;;
      *) command -v "$need" >/dev/null 2>&1 || missing+=("$need") ;;
    esac
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    say "missing: ${missing[*]} — run as root, or install them with apt-get"
    exit 1
  fi
  say "installing ${missing[*]} ..."
  # No package may start a service (nginx would listen in the root namespace): policy-rc.d says no.
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; made_policy=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ "$made_policy" -eq 1 ] && rm -f "$policy"
  return 0
}

ensure_dotnet() {
  command -v dotnet >/dev/null 2>&1 && return 0
  say "the .NET SDK (dotnet) is not on PATH: install .NET 10 first"
  exit 1
}

# The forwarder that runs: the tests' own build (FORWARDER_DLL), else the build `install` published beside this
# script (publish/forwarder, which needs no SDK), else this checkout's Release build, built when needed.
published="$here/publish/forwarder"
forwarder_dll=${FORWARDER_DLL:-src/Forwarder/bin/Release/net10.0/forwarder.dll}
forwarder_cmd=(dotnet "$forwarder_dll")
if [ -z "${FORWARDER_DLL:-}" ] && [ -x "$published" ]; then forwarder_cmd=("$published"); fi

build() {
  if [ "${forwarder_cmd[0]}" = "$published" ]; then
    if [ -d src ] && [ -n "$(find src -name '*.cs' -newer "$published" -print -quit 2>/dev/null)" ]; then
      say "note: using the published build in $here/publish; the sources are newer (./run-director.sh install publishes them)"
    fi
    return 0
  fi
  ensure_dotnet
  # A prebuilt forwarder (the end-to-end tests run their own build's) needs no build here.
  [ -n "${FORWARDER_DLL:-}" ] && return 0
  dotnet build src/Forwarder/Forwarder.csproj -c Release -v quiet -nologo >/dev/null || {
    dotnet build src/Forwarder/Forwarder.csproj -c Release -nologo 2>&1 | grep -E 'error' >&2
    exit 1
  }
}

forwarder() { "${forwarder_cmd[@]}" "$@"; }

seed() {
  ensure_packages seed
  build
  local scenario=captures/seed-nat-rr out
  out=$(mktemp -d)
  trap 'rm -rf "$out"' RETURN
  echo "# replaying $scenario: the seed guide's NAT experiment (rr over web1 .254, web2 .253, web3 .252)"
  forwarder replay --rules $scenario/rules --topology $scenario/topology \
    --in eth2=$scenario/eth2.pcap --in eth1=$scenario/eth1.pcap --out "$out" --list >"$out/list.txt"
  echo "# TZ=UTC tcpdump -nn -r eth1.pcap 'tcp and port 80 and src host 192.168.1.106'"
  TZ=UTC tcpdump -nn -r "$out/eth1.pcap" 'tcp and port 80 and src host 192.168.1.106' 2>/dev/null
  echo "# ipvsadm -Ln at the end of the capture"
  cat "$out/list.txt"
}

# ---- the live director -------------------------------------------------------------------------
# The network namespace this shell is in, as the kernel names it: net:[INODE].
netns_id() { readlink /proc/self/ns/net; }

# Whether this is the host's own network namespace, where the host's tools and /usr/local/sbin live: not one of
# `ip netns`'s, and the one PID 1 is in (or, where PID 1's cannot be read, as in a container, the one of the
# furthest ancestor whose namespace can be read).
in_host_netns() {
  [ -n "$(ip netns identify 2>/dev/null || true)" ] && return 1
  local host pid=$$ ns stat
  if ! host=$(readlink /proc/1/ns/net 2>/dev/null); then
    host=$(netns_id)
    while [ "$pid" -gt 1 ] && ns=$(readlink "/proc/$pid/ns/net" 2>/dev/null); do
      host=$ns
      stat=$(cat "/proc/$pid/stat" 2>/dev/null) || break
      stat=${stat##*) }
      set -- $stat
      pid=$2
    done
  fi
  [ "$(netns_id)" = "$host" ]
}

# The state directory holds the record of this network namespace's host changes, the pidfile and the lock:
# /run/forwarder in the host's namespace, /run/forwarder/netns/NAME in a named one (`ip netns`), else
# /run/forwarder/netns/net-INODE. So `stop` in the namespace `run` ran in finds its director without being
# told, and directors in two namespaces never share a record.
default_state_dir() {
  if in_host_netns; then echo /run/forwarder; return; fi
  local name
  name=$(ip netns identify 2>/dev/null | head -1) || true
  [ -n "$name" ] || name="net-$(netns_id | tr -dc 0-9)"
  echo "/run/forwarder/netns/$name"
}
state_dir=${FORWARDER_STATE:-$(default_state_dir)}

# The control socket's default follows the state directory out of the host's network namespace: a director in
# another namespace must not take the host's /run/forwarder/forwarder.sock, where the host's ipvsadm would reach
# it. --socket and FORWARDER_SOCKET still decide where given.
default_socket() {
  [ -z "${FORWARDER_SOCKET:-}" ] || return 0
  in_host_netns && return 0
  export FORWARDER_SOCKET="$state_dir/forwarder.sock"
}
# Where run's own ipvsadm wrapper goes, and the lock directory that keeps one director per network namespace.
wrapper_dir=${FORWARDER_WRAPPER_DIR:-/usr/local/sbin}
lock_dir=${FORWARDER_LOCK_DIR:-/run/lock}

# The line every ipvsadm wrapper of ours carries, by which it is told from a real ipvsadm.
wrapper_mark="# Forwarder's ipvsadm wrapper"
# (and the script before this one wrote "# installed by .../run-director.sh: ipvsadm for the running ...").
is_our_wrapper() {
  [ -f "$1" ] && grep -qE "^($wrapper_mark|# installed by .*run-director\.sh: ipvsadm for the running Forwarder director)\$" "$1" 2>/dev/null
}

# A real ipvsadm on this system (on PATH, or where Debian's package puts it), not one of our wrappers.
real_ipvsadm() {
  local found
  for found in "$(command -v ipvsadm 2>/dev/null || true)" /usr/sbin/ipvsadm /sbin/ipvsadm; do
    [ -n "$found" ] && [ -e "$found" ] && ! is_our_wrapper "$found" && { echo "$found"; return 0; }
  done
  return 1
}

# write_ipvsadm_wrapper PATH COMMAND...: a script named ipvsadm that runs COMMAND ARGS. It refuses, as
# ipvsadm does when it cannot reach IPVS (its words, exit 2), wherever the kernel's own IPVS is loaded
# (/proc/net/ip_vs, or the IPVS generic netlink family): there an `ipvsadm` meant for the kernel's table must not
# reach the director's, nor the other way round.
write_ipvsadm_wrapper() {
  local path=$1 command="" word
  shift
  for word in "$@"; do command+=" $(printf '%q' "$word")"; done
  cat >"$path.new" <<WRAPPER
#!/bin/sh
$wrapper_mark
# ipvsadm for the user-space director (written by run-director.sh); never for the kernel's IPVS.
proc=\${FORWARDER_PROC:-/proc}
if [ -e "\$proc/net/ip_vs" ]; then kernel="\$proc/net/ip_vs exists"
elif command -v genl >/dev/null 2>&1 && genl ctrl get name IPVS >/dev/null 2>&1; then kernel="the IPVS netlink family is registered"
else exec$command "\$@"
fi
echo "Can't initialize ipvs: the kernel's IP Virtual Server is loaded (\$kernel)" >&2
echo "This ipvsadm drives Forwarder's user-space director; use the kernel's own ipvsadm for its table." >&2
exit 2
WRAPPER
  chmod 755 "$path.new"
  mv -f "$path.new" "$path"
}

# The host's kernel must stay out of the way of a user-space director: no IP forwarding or ICMP
# redirects (the director forwards), no RSTs from the kernel for masqueraded flows' replies (an
# nftables drop of the masquerade port range on the public address: libpcap sees them first), and no
# NIC offloads that would hand libpcap merged or checksum-less frames. The same for IPv6: forwarding
# off (Linux has no IPv6 send_redirects: it sends ICMPv6 redirects, and proxies Neighbour Discovery,
# only where it forwards), and an ip6 table for the public IPv6 addresses' masquerade ports. The VIPs,
# IPv4 and IPv6, are on no interface: the director answers ARP and Neighbour Solicitations for them,
# and a kernel that does not forward drops what is sent to them. Each change is recorded in
# host-state, with the value it replaces, before it is made, so that whatever ends the director (and
# whatever ends it part way through this), exactly what was changed is put back.
prepare_host() {
  local public=$1 private=$2 socket=${3:-} gro=${4:-0} saved="$state_dir/host-state"
  record() { printf '%s\n' "$*" >>"$saved"; }
  local key original
  for key in net.ipv4.ip_forward net.ipv4.conf.all.send_redirects net.ipv4.conf.default.send_redirects \
             "net.ipv4.conf.$public.send_redirects" "net.ipv4.conf.$private.send_redirects"; do
    original=$(sysctl -n "$key")
    [ "$original" = 0 ] && continue
    record "sysctl $key $original"
    sysctl -qw "$key=0"
    say "host: $key = 0 (was $original)"
  done
  prepare_ipv6_forwarding "$public" "$private"
  local address
  address=$(ip -4 -o addr show dev "$public" | awk '{print $4}' | cut -d/ -f1 | head -1)
  # A table left by a killed director of another state directory was restored before this (take_over_host).
  record "nft forwarder"
  nft delete table ip forwarder 2>/dev/null || true
  nft -f - <<NFT
table ip forwarder {
  comment "forwarder state $state_dir"
  chain input {
    type filter hook input priority -300; policy accept;
    iifname "$public" ip daddr $address tcp dport 32768-60999 drop
    iifname "$public" ip daddr $address udp dport 32768-60999 drop
  }
}
NFT
  say "host: nftables table ip forwarder drops TCP/UDP to $address ports 32768-60999 (masquerade replies) before the kernel's stack"
  # The public interface's global IPv6 addresses (a masqueraded flow leaves from the first; all are the host's).
  local addresses6
  addresses6=$(ip -6 -o addr show dev "$public" scope global 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | paste -sd, -)
  if [ -n "$addresses6" ]; then
    record "nft6 forwarder"
    nft delete table ip6 forwarder 2>/dev/null || true
    nft -f - <<NFT
table ip6 forwarder {
  comment "forwarder state $state_dir"
  chain input {
    type filter hook input priority -300; policy accept;
    iifname "$public" ip6 daddr { $addresses6 } tcp dport 32768-60999 drop
    iifname "$public" ip6 daddr { $addresses6 } udp dport 32768-60999 drop
  }
}
NFT
    say "host: nftables table ip6 forwarder drops TCP/UDP to $addresses6 ports 32768-60999 (masquerade replies) before the kernel's stack"
  fi
  prepare_ingress_drop "$public" "$private"
  # Where the system has no ipvsadm, one that talks to this director. Only from the host's own network
  # namespace into the shared /usr/local/sbin (a director in another namespace is not the host's), or into
  # a directory the caller named.
  local wrapper="$wrapper_dir/ipvsadm" real
  if [ -z "${FORWARDER_WRAPPER_DIR:-}" ] && ! in_host_netns; then
    say "host: no ipvsadm wrapper in $wrapper_dir: this director runs in network namespace $(netns_id), not the host's (./run-director.sh ipvsadm drives it)"
  elif real=$(real_ipvsadm); then
    say "host: no ipvsadm wrapper: $real is a real ipvsadm (./run-director.sh ipvsadm drives the director)"
  elif command -v ipvsadm >/dev/null 2>&1 || [ -e "$wrapper" ]; then
    : # a wrapper of ours that stays (installed by `install`): nothing to add or to undo
  else
    local socket_args=()
    [ -n "$socket" ] && socket_args=(--socket "$socket")
    record "wrapper $wrapper"
    mkdir -p "$wrapper_dir"
    write_ipvsadm_wrapper "$wrapper" "$here/run-director.sh" ipvsadm "${socket_args[@]}"
    say "host: installed $wrapper (the system has no ipvsadm): it drives this director"
  fi
  # Each offload that is on is recorded and turned off; the ones already off (or fixed) are left alone.
  local dev feature name state
  for dev in "$public" "$private"; do
    for feature in gro:generic-receive-offload gso:generic-segmentation-offload tso:tcp-segmentation-offload \
                   tx:tx-checksumming rx:rx-checksumming; do
      name=${feature#*:}
      state=$(ethtool -k "$dev" 2>/dev/null | awk -v n="$name:" '$1 == n { print $2 (NF > 2 ? $3 : "") }')
      [ "$state" = on ] || continue
      record "offload $dev ${feature%%:*}"
      ethtool -K "$dev" "${feature%%:*}" off >/dev/null 2>&1 || true
    done
    # --gro: the director takes merged frames whole (its sender has the kernel cut them again), so GRO goes on.
    # libpcap sizes its ring for them only if an offload is on when it opens: this comes first.
    if [ "$gro" -eq 1 ]; then
      record "offload-on $dev gro"
      ethtool -K "$dev" gro on >/dev/null 2>&1 || true
      say "host: $dev offloads off (gso tso tx rx), gro on (--gro)"
    else
      say "host: $dev offloads off (gro gso tso tx rx)"
    fi
  done
}

# What arrives on the two interfaces for another host's unicast address is the director's to forward (a VIP's
# packets, the real servers' replies and their outbound traffic). A kernel that does not forward drops it too, but
# only after its IP input, early demux and a route lookup, on every frame. An nftables ingress hook drops it as
# soon as the frame is in, after libpcap's capture (and tcpdump's) has taken its copy: the same end, without the
# work. The host's own addresses, broadcast, multicast (VRRP, the sync daemon), ARP and Neighbour Discovery pass.
# Not on an interface with a master or upper devices (a bridge or bond port, the lower device of a macvlan or a
# VLAN): their frames for other hosts are theirs to take after ingress. A kernel without the netdev family's fib
# expression keeps dropping them later, as before.
prepare_ingress_drop() {
  local dev chains="" kept=()
  for dev in "$@"; do
    [[ " ${kept[*]} " == *" $dev "* ]] && continue # one director interface for both sides: one chain
    if [ -e "/sys/class/net/$dev/master" ] || compgen -G "/sys/class/net/$dev/upper_*" >/dev/null; then
      say "host: no ingress drop on $dev: it has a master or upper devices, which take frames for other addresses after ingress"
      continue
    fi
    chains+="  chain ingress_$((${#kept[@]} + 1)) { type filter hook ingress device \"$dev\" priority 0; policy accept; fib daddr type unicast drop; }"$'\n'
    kept+=("$dev")
  done
  [ ${#kept[@]} -gt 0 ] || return 0
  record "nftnetdev forwarder"
  nft delete table netdev forwarder 2>/dev/null || true
  if printf 'table netdev forwarder {\n  comment "forwarder state %s"\n%s}\n' "$state_dir" "$chains" | nft -f - 2>/dev/null; then
    say "host: nftables table netdev forwarder drops what ${kept[*]} receive for other hosts' unicast addresses at ingress, after the capture (the kernel does not forward)"
  else
    say "host: this kernel's nftables cannot drop at ingress by address type: it drops other hosts' frames itself, after its IP input"
  fi
}

# IPv6 forwarding off, per interface, by default and for all. Writing `all` rewrites every interface's value and
# the default (as the kernel's addrconf does), so the interfaces go first and `all` last: restored last first,
# `all` comes back first and the recorded interface values after it. Where `all` is on, each interface's value
# is recorded even when it is already 0, for `all`'s restore would turn it on.
prepare_ipv6_forwarding() {
  local public=$1 private=$2 key original all
  if [ ! -d /proc/sys/net/ipv6 ]; then
    say "host: no IPv6 in this kernel: nothing of IPv6 to prepare"
    return 0
  fi
  all=$(sysctl -n net.ipv6.conf.all.forwarding)
  for key in "net.ipv6.conf.$public.forwarding" "net.ipv6.conf.$private.forwarding" net.ipv6.conf.default.forwarding \
             net.ipv6.conf.all.forwarding; do
    original=$(sysctl -n "$key" 2>/dev/null) || continue
    [ "$original" = 0 ] && [ "$all" = 0 ] && continue
    record "sysctl $key $original"
    sysctl -qw "$key=0"
    [ "$original" = 0 ] || say "host: $key = 0 (was $original)"
  done
}

# Undoes what host-state records, last change first (tx checksumming comes back before TSO, which needs it).
restore_host() {
  local saved="$state_dir/host-state" kind a b recorded_ns
  [ -f "$saved" ] || { say "no host changes to undo"; return 0; }
  recorded_ns=$(sed -n 's/^netns //p' "$saved" | head -1)
  local gone=0
  if [ -n "$recorded_ns" ] && [ "$recorded_ns" != "$(netns_id)" ]; then
    if netns_alive "$recorded_ns"; then
      say "the director's host changes were made in another network namespace ($recorded_ns); run stop there"
      return 1
    fi
    # The namespace is gone, and its sysctls, table and interfaces with it: only files are left to undo.
    say "the network namespace of these host changes ($recorded_ns) is gone, and its changes with it"
    gone=1
  fi
  while read -r kind a b; do
    case "$kind" in
      sysctl) [ "$gone" -eq 0 ] && sysctl -qw "$a=$b" && say "host: $a = $b (restored)" ;;
      nft) [ "$gone" -eq 0 ] && nft delete table ip forwarder 2>/dev/null && say "host: nftables table ip forwarder removed" ;;
      nft6) [ "$gone" -eq 0 ] && nft delete table ip6 forwarder 2>/dev/null && say "host: nftables table ip6 forwarder removed" ;;
      nftnetdev) [ "$gone" -eq 0 ] && nft delete table netdev forwarder 2>/dev/null && say "host: nftables table netdev forwarder removed" ;;
      offload)
        if [ -z "$b" ]; then # a record of the script before this one, which turned all five off and on
          [ "$gone" -eq 0 ] && { ethtool -K "$a" gro on gso on tso on tx on rx on >/dev/null 2>&1; say "host: $a offloads back on"; }
        else
          [ "$gone" -eq 0 ] && ethtool -K "$a" "$b" on >/dev/null 2>&1 && say "host: $a $b back on"
        fi ;;
      offload-on) [ "$gone" -eq 0 ] && ethtool -K "$a" "$b" off >/dev/null 2>&1 && say "host: $a $b back off" ;;
      wrapper) is_our_wrapper "$a" && rm -f "$a" && say "host: $a removed" ;;
    esac || true
  done < <(tac "$saved")
  rm -f "$saved"
}

# Whether a network namespace (net:[INODE]) still exists: some process is in it, or `ip netns` holds it.
netns_alive() {
  local inode=${1//[!0-9]/}
  find /proc/[0-9]*/ns/ -maxdepth 1 -name net -printf '%l\n' 2>/dev/null | grep -qxF "net:[$inode]" && return 0
  [ -d /run/netns ] && stat -L -c %i /run/netns/* 2>/dev/null | grep -qxF "$inode"
}

# A process's start time (clock ticks since boot, /proc/PID/stat's 22nd field): with its PID, it names one
# process for good, where a PID alone may be reused by any other.
start_time() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) } # the command name in parentheses may hold spaces
  set -- $stat
  echo "${20}"
}

# Whether PID (started at START) is a director that run_director started: the same process, and its command
# line is the forwarder's `run` (through dotnet and forwarder.dll, or the published forwarder).
is_our_director() {
  local pid=$1 start=$2 now cmdline
  now=$(start_time "$pid") || return 1
  [ "$now" = "$start" ] || return 1
  cmdline=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  grep -qx run <<<"$cmdline" && grep -qE '/forwarder(\.dll)?$' <<<"$cmdline"
}

# One director per state directory and per network namespace (its sysctls, its nftables table, its
# interfaces' offloads are the namespace's: a second director there would undo what the first still needs).
# Each is a lock, taken here and held by the director and its watcher (the descriptors are inherited) until
# the watcher has restored the host; the kernel drops them with the last holder, even after kill -9.
take_locks() {
  mkdir -p "$state_dir" "$lock_dir"
  exec 8>>"$state_dir/lock"
  if ! flock -w 30 8; then
    say "another run holds $state_dir (a director starting, or a watcher still restoring the host): try again"
    exit 1
  fi
  local ns_lock
  ns_lock="$lock_dir/forwarder-net-$(netns_id | tr -dc 0-9).lock"
  exec 9<>"$ns_lock"
  if ! flock -n 9; then
    say "another director runs in this network namespace (its state: $(cat "$ns_lock")): one director per namespace; stop it first (FORWARDER_STATE=$(cat "$ns_lock") ./run-director.sh stop)"
    exit 1
  fi
  printf '%s\n' "$state_dir" >"$ns_lock"
}

# What a director killed outright (its watcher too) left behind is undone as it recorded it, before this run
# records anything: so the originals recorded next are the host's own, never the values a director set.
take_over_host() {
  local saved="$state_dir/host-state" other
  if [ -f "$saved" ]; then
    say "found the host changes of a director that is gone (pid $(sed -n 's/^director \([0-9]*\).*/\1/p' "$saved" | head -1)): undoing them as recorded"
    restore_host || exit 1
  fi
  # A table of ours that names another state directory: a director killed there, in this namespace.
  local family
  for family in ip ip6 netdev; do
    other=$(nft list table "$family" forwarder 2>/dev/null | sed -n 's/^[[:space:]]*comment "forwarder state \(.*\)"$/\1/p') || true
    if [ -n "$other" ] && [ "$other" != "$state_dir" ] && [ -f "$other/host-state" ]; then
      say "found the host changes of a director that is gone in $other: undoing them as recorded"
      (state_dir=$other; restore_host) || exit 1
    fi
  done
}

run_director() {
  local public=eth2 private=eth1 socket="" args=("$@") i check=0 gro=0
  for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[$i]}" in
      --gro) gro=1 ;;
      --public) public=${args[$((i + 1))]} ;;
      --private) private=${args[$((i + 1))]} ;;
      --socket) socket=${args[$((i + 1))]} ;;
      --check) check=1 ;;
    esac
  done
  ensure_packages run
  build
  default_socket
  # The director keeps its connections.state in the same state directory (its --state-file default).
  export FORWARDER_STATE="$state_dir"
  [ "$check" -eq 1 ] && exec "${forwarder_cmd[@]}" run "$@"
  [ "$(id -u)" -eq 0 ] || { say "the live director needs root (raw capture and injection)"; exit 1; }
  local pidfile="$state_dir/director.pid" pid start
  if [ -s "$pidfile" ] && read -r pid start <"$pidfile" && is_our_director "$pid" "${start:-}"; then
    say "a director is already running (pid $pid): ./run-director.sh stop first"
    exit 1
  fi
  take_locks
  rm -f "$pidfile"
  take_over_host
  # The director refuses what it cannot run with (interfaces, rules, counters file, socket) before the host
  # is touched.
  "${forwarder_cmd[@]}" run --check "$@" || exit $?
  # Whatever way this ends from here (SIGTERM, a failure, SIGKILL, even part way through preparing the host),
  # the host is put back: a watcher holds the read end of a pipe whose write end only this shell holds, and
  # then the director it becomes, and restores what host-state records when the pipe closes.
  printf 'netns %s\ndirector %s %s\n' "$(netns_id)" "$$" "$(start_time $$)" >"$state_dir/host-state"
  echo "$$ $(start_time $$)" >"$pidfile"
  exec 3> >(
    trap '' INT TERM HUP
    read -r _ || true
    restore_host
    rm -f "$pidfile"
  )
  prepare_host "$public" "$private" "$socket" "$gro"
  # A 4 MiB gen0 budget: a large -R allocates its new table on the control thread, and the collector stops the
  # engine thread while it copies what survives; small young generations keep each such stop short (README).
  export DOTNET_GCgen0size=${DOTNET_GCgen0size:-0x400000}
  exec "${forwarder_cmd[@]}" run "$@"
}

stop_director() {
  local pidfile="$state_dir/director.pid" pid start
  if [ -s "$pidfile" ]; then
    read -r pid start <"$pidfile" || true
    if is_our_director "${pid:-}" "${start:-}"; then
      kill -TERM "$pid"
      for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then
        say "director $pid did not stop within 30 s"
        return 1
      fi
      say "director $pid stopped"
      # Its watcher restores the host as it ends (and says so on the director's output), holding the state
      # lock until it is done: wait for that, and finish here what a missing watcher left.
      flock -w 30 "$state_dir/lock" true 2>/dev/null || true
      if [ ! -f "$state_dir/host-state" ]; then
        rm -f "$pidfile"
        say "host changes undone"
        return 0
      fi
    else
      say "stale pidfile $pidfile (pid ${pid:-?} is not a running director): not signalling it; removed"
    fi
    rm -f "$pidfile"
  fi
  # A watcher still restoring (or a run starting) holds the lock: wait for it rather than undo under it.
  if [ -f "$state_dir/host-state" ] && [ -e "$state_dir/lock" ] && ! flock -w 30 "$state_dir/lock" true; then
    say "a run holds $state_dir (a director starting, or its watcher restoring the host): not undoing its changes under it"
    return 1
  fi
  restore_host
}

# SIGHUP to the director the pidfile names: it writes its connection table to its --state-file and goes on.
reload_director() {
  local pidfile="$state_dir/director.pid" pid start
  if [ -s "$pidfile" ] && read -r pid start <"$pidfile" && is_our_director "$pid" "${start:-}"; then
    kill -HUP "$pid" && say "director $pid: writing its connections to its state file"
    return 0
  fi
  say "no director is running (pidfile $pidfile)"
  return 1
}

# `vip take|release|list`: the running director's owned addresses, over its control socket (a VRRP pair's notify scripts).
vip_client() {
  default_socket
  [ "${forwarder_cmd[0]}" = "$published" ] || [ -f "$forwarder_dll" ] || build
  exec "${forwarder_cmd[@]}" vip "$@"
}

# `alive`: whether the director this namespace's pidfile names still runs (the same process, not a reused PID): the
# check a keepalived vrrp_script runs every second, so that a director killed outright fails its VRRP instance over.
director_alive() {
  local pidfile="$state_dir/director.pid" pid start
  [ -s "$pidfile" ] && read -r pid start <"$pidfile" && is_our_director "$pid" "${start:-}"
}

ipvsadm_client() {
  default_socket
  [ "${forwarder_cmd[0]}" = "$published" ] || [ -f "$forwarder_dll" ] || build
  exec "${forwarder_cmd[@]}" ipvsadm "$@"
}

# ---- install ---------------------------------------------------------------------------------------
# `install [PREFIX]` (default /usr/local): the director published once, self-contained (no .NET on the host:
# measured in the README), with this script beside it, so that the installed `run` needs no SDK; the systemd
# unit forwarder.service; /etc/default/forwarder; and the ipvsadm wrapper where the system has no ipvsadm.
# FORWARDER_SYSCONFDIR (default /etc) and FORWARDER_UNITDIR (default /etc/systemd/system) move the rest, for a
# staging root or a test; FORWARDER_PUBLISHED=DIR installs a build published before instead of publishing.
install_director() {
  local prefix=${1:-/usr/local}
  case "$prefix" in /*) ;; *) say "install: PREFIX must be an absolute path, got $prefix"; exit 2 ;; esac
  prefix=${prefix%/}
  local sysconfdir=${FORWARDER_SYSCONFDIR:-/etc} unitdir=${FORWARDER_UNITDIR:-/etc/systemd/system}
  local home="$prefix/lib/forwarder" sbin="$prefix/sbin"
  local defaults="$sysconfdir/default/forwarder" rules="$sysconfdir/ipvsadm.rules"
  mkdir -p "$home" "$sbin" "$unitdir" "$sysconfdir/default"
  rm -rf "$home/publish.new"
  if [ -n "${FORWARDER_PUBLISHED:-}" ]; then
    [ -x "$FORWARDER_PUBLISHED/forwarder" ] || { say "install: $FORWARDER_PUBLISHED/forwarder is not a published director"; exit 1; }
    cp -a "$FORWARDER_PUBLISHED" "$home/publish.new"
  else
    [ -f src/Forwarder/Forwarder.csproj ] || { say "install: run it from a checkout (no src/Forwarder here), or set FORWARDER_PUBLISHED"; exit 1; }
    ensure_dotnet
    say "install: publishing the director (self-contained, ReadyToRun, linux-x64) ..."
    # Its own artifacts directory: a publish never rewrites the checkout's obj/ under a build running beside it.
    local artifacts log
    artifacts=$(mktemp -d)
    log="$artifacts/publish.log"
    if ! nice dotnet publish src/Forwarder/Forwarder.csproj -c Release -nologo -r linux-x64 --self-contained \
        -p:PublishReadyToRun=true --artifacts-path "$artifacts" -o "$home/publish.new" >"$log" 2>&1; then
      grep -E 'error' "$log" >&2 || tail -20 "$log" >&2
      rm -rf "$artifacts" "$home/publish.new"
      exit 1
    fi
    rm -rf "$artifacts"
  fi
  rm -rf "$home/publish"
  mv "$home/publish.new" "$home/publish"
  [ "$here/run-director.sh" -ef "$home/run-director.sh" ] || install -m 755 "$here/run-director.sh" "$home/run-director.sh"
  ln -sfn "$home/publish/forwarder" "$sbin/forwarder"
  say "install: $home/publish/forwarder ($(du -sh "$home/publish" | cut -f1)), $home/run-director.sh, $sbin/forwarder"

  # The wrapper never stands beside a real ipvsadm (Debian's package, for the kernel's IPVS): an `ipvsadm` on
  # PATH must mean one table only.
  local real
  if real=$(real_ipvsadm); then
    if is_our_wrapper "$sbin/ipvsadm"; then rm -f "$sbin/ipvsadm"; say "install: $sbin/ipvsadm (our wrapper) removed"; fi
    say "install: no ipvsadm wrapper: $real is a real ipvsadm (for the kernel's IPVS); drive the director with $sbin/forwarder ipvsadm"
  elif [ -e "$sbin/ipvsadm" ] && ! is_our_wrapper "$sbin/ipvsadm"; then
    say "install: no ipvsadm wrapper: $sbin/ipvsadm exists and is not ours"
  else
    write_ipvsadm_wrapper "$sbin/ipvsadm" "$home/publish/forwarder" ipvsadm
    say "install: $sbin/ipvsadm (drives the director; refuses where the kernel's IPVS is loaded)"
  fi

  if [ -e "$defaults" ]; then
    say "install: $defaults kept as it was"
  else
    cat >"$defaults" <<DEFAULTS
# Read by forwarder.service: systemctl restart forwarder after a change.
# The interface facing the clients, and the one facing the real servers.
FORWARDER_PUBLIC=eth2
FORWARDER_PRIVATE=eth1
# The table at start, in ipvsadm -S form: written back (ipvsadm -Sn) when the service stops, as Debian's
# ipvsadm init does. Its connections go to connections.state in /run/forwarder (on stop, and on
# systemctl reload forwarder) and come back at the next start.
FORWARDER_RULES=$rules
# More options for forwarder run: --masquerade NET/PREFIX, --counters-file PATH, --max-connections N.
FORWARDER_OPTIONS=
# The control socket of the director and of ipvsadm (default /run/forwarder/forwarder.sock).
#FORWARDER_SOCKET=/run/forwarder/forwarder.sock
DEFAULTS
    say "install: $defaults"
  fi
  [ -e "$rules" ] || { : >"$rules"; say "install: $rules (empty)"; }

  # Type=notify: the director itself says READY=1 once it captures and serves ipvsadm, STOPPING=1 as it stops.
  # Reload is run-director.sh's: SIGHUP, and the director writes its connections to its state file.
  # KillMode=mixed: SIGTERM goes to the director alone; its watcher (which ignores it) restores the host after it.
  cat >"$unitdir/forwarder.service" <<UNIT
[Unit]
Description=Forwarder, a user-space IPVS (LVS) director
After=network-online.target
Wants=network-online.target

[Service]
Type=notify
EnvironmentFile=$defaults
ExecStart=$home/run-director.sh run --public \${FORWARDER_PUBLIC} --private \${FORWARDER_PRIVATE} --rules \${FORWARDER_RULES} \$FORWARDER_OPTIONS
ExecReload=/bin/kill -HUP \$MAINPID
ExecStop=/bin/sh -c '$home/publish/forwarder ipvsadm -S -n >"\$\$FORWARDER_RULES.new" && mv -f "\$\$FORWARDER_RULES.new" "\$\$FORWARDER_RULES"'
ExecStopPost=-$home/run-director.sh stop
KillMode=mixed
TimeoutStopSec=30
Restart=on-failure
RestartSec=2

[Install]
WantedBy=multi-user.target
UNIT
  say "install: $unitdir/forwarder.service (systemctl daemon-reload; systemctl enable --now forwarder)"
}

# ---- the lab ---------------------------------------------------------------------------------------
lab() {
  [ "${1:-}" = --ha ] && { shift; lab_ha "$@"; return; }
  [ "${1:-}" = --ecmp ] && { shift; lab_ecmp "$@"; return; }
  local keep=0 ipv6=0
  [ "${1:-}" = --ipv6 ] && { ipv6=1; shift; }
  [ "${1:-}" = --keep ] && keep=1
  ensure_packages lab
  build
  [ "$(id -u)" -eq 0 ] || { say "the lab needs root (network namespaces)"; exit 1; }
  export LAB_PREFIX=${LAB_PREFIX:-lvs-}
  local lab_state=/tmp/${LAB_PREFIX}lab
  local script=src/lab/lab-netns.sh
  "$script" down >/dev/null 2>&1 || true
  "$script" up
  local director_state="$lab_state/director"
  mkdir -p "$director_state"
  # The seed's rules; over IPv6 the same with the lab's IPv6 addresses (lab-netns.sh gives every host both).
  local url=http://192.168.1.199/ family=-4 servers="web1 .254, web2 .253, web3 .252"
  if [ "$ipv6" -eq 1 ]; then
    url="http://[2001:db8::199]/" family=-6 servers="web1 2001:db8:139::254, web2 ::253, web3 ::252"
    cat >"$director_state/rules" <<'RULES'
-A -t [2001:db8::199]:80 -s rr
-a -t [2001:db8::199]:80 -r [2001:db8:139::254]:80 -m
-a -t [2001:db8::199]:80 -r [2001:db8:139::253]:80 -m
-a -t [2001:db8::199]:80 -r [2001:db8:139::252]:80 -m
RULES
  else
    cat >"$director_state/rules" <<'RULES'
-A -t 192.168.1.199:80 -s rr
-a -t 192.168.1.199:80 -r 192.168.139.254:80 -m
-a -t 192.168.1.199:80 -r 192.168.139.253:80 -m
-a -t 192.168.1.199:80 -r 192.168.139.252:80 -m
RULES
  fi
  local socket="$director_state/forwarder.sock"
  FORWARDER_STATE="$director_state" ip netns exec "${LAB_PREFIX}director" "$here/run-director.sh" run \
    --socket "$socket" --rules "$director_state/rules" >"$director_state/director.log" 2>&1 &
  lab_director=$!
  lab_script=$script
  echo "$lab_director" >"$director_state/pid"
  teardown() {
    kill -TERM "$lab_director" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$lab_director" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$lab_director" 2>/dev/null || true
    "$here/$lab_script" down >/dev/null
  }
  [ "$keep" -eq 1 ] || trap teardown EXIT
  for _ in $(seq 100); do [ -S "$socket" ] && break; sleep 0.1; done
  [ -S "$socket" ] || { cat "$director_state/director.log" >&2; say "the director did not start"; exit 1; }
  echo "# director up (log $director_state/director.log); the seed's rules: rr over $servers"
  echo "# the seed's client loop: GET $url and the time, six times"
  for _ in 1 2 3 4 5 6; do
    ip netns exec "${LAB_PREFIX}client" curl "$family" -g -s -m 5 "$url" || echo "(no answer)"
    date
    sleep 1
  done
  echo "# ipvsadm -Ln"
  forwarder ipvsadm --socket "$socket" -Ln
  echo "# ipvsadm -Lnc"
  forwarder ipvsadm --socket "$socket" -Lnc
  if [ "$keep" -eq 1 ]; then
    echo "# lab kept: ./run-director.sh ipvsadm --socket $socket -Ln; LAB_PREFIX=$LAB_PREFIX src/lab/lab-netns.sh down to remove"
  fi
}

# `lab --ha`: src/lab/lab-ha.sh's demo, its directors running this build.
lab_ha() {
  ensure_packages lab-ha
  build
  [ "$(id -u)" -eq 0 ] || { say "the lab needs root (network namespaces)"; exit 1; }
  # The directors it starts run this build without building again.
  [ "${forwarder_cmd[0]}" = "$published" ] || export FORWARDER_DLL="$(realpath -m "$forwarder_dll")"
  # Its own prefix by default, so that it never takes down the single-director lab's hosts (client, lan, webN).
  LAB_PREFIX=${LAB_PREFIX:-lvsha-} src/lab/lab-ha.sh demo "$@"
}

# `lab --ecmp N [--keep]`: N active-active directors behind an ECMP router (src/lab/lab-ecmp.sh builds it all).
lab_ecmp() {
  ensure_packages lab
  build
  [ "$(id -u)" -eq 0 ] || { say "the lab needs root (network namespaces)"; exit 1; }
  # The directors it starts run this build without building again.
  [ "${forwarder_cmd[0]}" = "$published" ] || export FORWARDER_DLL="$(realpath -m "$forwarder_dll")"
  LAB_PREFIX=${LAB_PREFIX:-lvs-} exec "$here/src/lab/lab-ecmp.sh" demo "${1:?lab --ecmp N: the number of directors}" "${2:-}"
}

run_tests() {
  ensure_packages test
  ensure_dotnet
  # The conformance suite's guest (Debian's kernel and ipvsadm 1.31 under QEMU): built once, kept in
  # /var/cache/forwarder-conformance; where it cannot be, the suite reports itself skipped with the reason.
  bash tests/Forwarder.Conformance/guest/build-guest.sh || say "the kernel guest is unavailable: the conformance suite will skip"
  local results
  results=$(mktemp -d)
  local status=0
  dotnet test Forwarder.sln -c Release --nologo --logger "trx" --results-directory "$results" "$@" || status=$?
  local passed=0 failed=0 skipped=0 trx counters
  for trx in "$results"/*.trx; do
    [ -e "$trx" ] || continue
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    passed=$((passed + $(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")))
    failed=$((failed + $(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")))
    skipped=$((skipped + $(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")))
  done
  rm -rf "$results"
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1 # the run itself failed (a build error, a crashed test host): never report it as green
  fi
  echo "$passed passed, $failed failed, $skipped skipped"
  [ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
}

case "${1:-run}" in
  lab) shift; lab "$@" ;;
  help | -h | --help) usage ;;
  run) [ $# -gt 0 ] && shift; run_director "$@" ;;
  --*) run_director "$@" ;;
  stop) stop_director ;;
  reload) reload_director ;;
  install) shift; install_director "$@" ;;
  ipvsadm) shift; ipvsadm_client "$@" ;;
  vip) shift; vip_client "$@" ;;
  alive) director_alive ;;
  seed) seed ;;
  test) shift; run_tests "$@" ;;
  replay) shift; ensure_packages replay; build; forwarder replay "$@" ;;
  race) shift; ensure_packages race; exec "$here/tests/race/race.sh" "$@" ;;
  *) say "run-director.sh: unknown command: $1"; usage >&2; exit 2 ;;
esac
