#!/usr/bin/env bash
# Boots the conformance guest once, runs one job in it and unpacks what the job left in the guest's
# /out into RESULTS (job.stdout, job.stderr, job.status, and any file the job wrote).
#
#   run-guest.sh GUEST-DIR JOB.sh RESULTS-DIR [INPUTS-DIR]     (INPUTS-DIR's files appear in /in)
#
# KVM when /dev/kvm is a real one (kvm_intel or kvm_amd), else QEMU's TCG. FORWARDER_GUEST_ACCEL=kvm|tcg
# overrides; FORWARDER_GUEST_TIMEOUT (seconds, default 900) bounds the whole boot.
# Exits 0 when the guest handed back its results (the job's own status is in job.status), 3 when this
# machine cannot run the guest, 4 when the guest gave no result in time.
set -euo pipefail
guest=$1 job=$2 results=$3 inputs=${4:-}
say() { printf 'run-guest: %s\n' "$*" >&2; }
command -v qemu-system-x86_64 >/dev/null 2>&1 || { say "no qemu-system-x86_64"; exit 3; }
[ -f "$guest/kernel" ] && [ -f "$guest/initramfs.cpio.gz" ] || { say "no guest in $guest (build-guest.sh)"; exit 3; }

accel=${FORWARDER_GUEST_ACCEL:-}
if [ -z "$accel" ]; then
  accel=tcg
  if [ -r /dev/kvm ] && [ -w /dev/kvm ] && { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then
    accel=kvm
  fi
fi
case "$accel" in
  kvm) machine=(-enable-kvm -cpu host) ;;
  *) machine=(-accel tcg -cpu max) ;;
esac

work=$(mktemp -d)
qemu_pid=
cleanup() {
  [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/job/in" "$results"
cp "$job" "$work/job/job.sh"
[ -n "$inputs" ] && [ -d "$inputs" ] && cp -r "$inputs"/. "$work/job/in/"
# A second archive after the guest's: the kernel unpacks both, the job's files on top.
(cd "$work/job" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/job.cpio.gz"
cat "$guest/initramfs.cpio.gz" "$work/job.cpio.gz" >"$work/initrd"

qemu-system-x86_64 "${machine[@]}" -m 512M -smp 1 -nographic -nodefaults -no-reboot -nic none \
  -monitor none -kernel "$guest/kernel" -initrd "$work/initrd" \
  -append "console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init" \
  -serial "file:$work/console" -serial "file:$work/data" </dev/null >"$work/qemu.log" 2>&1 &
qemu_pid=$!
deadline=$((SECONDS + ${FORWARDER_GUEST_TIMEOUT:-900}))
while kill -0 "$qemu_pid" 2>/dev/null; do
  if [ $SECONDS -ge $deadline ]; then
    say "the guest gave no result in ${FORWARDER_GUEST_TIMEOUT:-900} s"
    exit 4
  fi
  sleep 0.1
done
wait "$qemu_pid" 2>/dev/null || true
qemu_pid=
if ! grep -q -- '--forwarder-guest-end--' "$work/data" 2>/dev/null; then
  say "the guest handed back nothing; its console:"
  tail -20 "$work/console" >&2 || true
  tail -5 "$work/qemu.log" >&2 || true
  exit 4
fi
sed -n '/--forwarder-guest-begin--/,/--forwarder-guest-end--/p' "$work/data" | sed '1d;$d' | tr -d '\r' |
  base64 -d | tar -xzf - -C "$results"
