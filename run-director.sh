#!/usr/bin/env bash
# Forwarder's one entry point.
#
#   ./run-director.sh lab [--keep]          the seed's NAT lab in network namespaces on this machine: the
#                                           director, three web servers, the client's loop, ipvsadm -Ln
#   ./run-director.sh [run] [--public IF] [--private IF] [--socket PATH] [--rules FILE] [--save-on-exit]
#                     [--keepalived-conf FILE]
#                                           the live director in the foreground (defaults eth2, eth1),
#                                           after preparing the host (reported); SIGTERM stops it; with
#                                           keepalived.conf, its virtual servers set up and health-checked
#   ./run-director.sh stop                  stop a running director (only the one its pidfile names) and undo
#                                           the host preparation
#   ./run-director.sh reload                have the running director write its connections to its state file
#                                           (SIGHUP; it goes on directing; the next run restores them)
#   ./run-director.sh ipvsadm ARGS...       ipvsadm for the running director ($FORWARDER_SOCKET, --socket)
#   ./run-director.sh seed                  replay the seed guide's NAT experiment (captures/seed-nat-rr)
#   ./run-director.sh replay ARGS...        forwarder replay --rules F --topology F --in IF=PCAP... --out DIR [--commands F]
#   ./run-director.sh test                  run every test; ends with "N passed, N failed, N skipped"
#   ./run-director.sh race [RUNS] [SECONDS] the kernel's NAT, ours, HAProxy and nginx's stream proxy on the lab,
#                                           interleaved run by run (a benchmark, not a test)
#   ./run-director.sh help                  this text
#
# Each installs what it lacks with apt-get when run as root: replay libpcap; seed libpcap and tcpdump; run
# libpcap, iproute2, ethtool, nftables; lab and test those and nginx, iperf3, curl, python3; race those and wrk,
# haproxy, nginx's stream module; test also keepalived (only its --config-test runs, never the daemon).
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
    # prometheus-node-exporter: the monitoring tests point the real node_exporter at the director's procfs files;
    # keepalived: only its --config-test, which the keepalived.conf reader's reports are compared with (never started).
    test) needs="libpcap tcpdump ip sysctl ethtool nft nginx iperf3 curl python3 prometheus-node-exporter keepalived" ;;
    race) needs="libpcap ip sysctl ethtool nft nginx iperf3 curl python3 wrk haproxy nginx-stream" ;;
  esac
  local need
  for need in $needs; do
    case "$need" in
      libpcap) ldconfig -p 2>/dev/null | grep 'libpcap\.so\.0\.8' >/dev/null || missing+=(libpcap0.8) ;;
      ip) command -v ip >/dev/null 2>&1 || missing+=(iproute2) ;;
      sysctl) command -v sysctl >/dev/null 2>&1 || missing+=(procps) ;;
      nft) command -v nft >/dev/null 2>&1 || missing+=(nftables) ;;
      nginx) command -v nginx >/dev/null 2>&1 || missing+=(nginx-light) ;;
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

forwarder_dll=${FORWARDER_DLL:-src/Forwarder/bin/Release/net10.0/forwarder.dll}
build() {
  ensure_dotnet
  # A prebuilt forwarder (the end-to-end tests run their own build's) needs no build here.
  [ -n "${FORWARDER_DLL:-}" ] && return 0
  dotnet build src/Forwarder/Forwarder.csproj -c Release -v quiet -nologo >/dev/null || {
    dotnet build src/Forwarder/Forwarder.csproj -c Release -nologo 2>&1 | grep -E 'error' >&2
    exit 1
  }
}

forwarder() { dotnet "$forwarder_dll" "$@"; }

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
state_dir=${FORWARDER_STATE:-/run/forwarder}

# The host's kernel must stay out of the way of a user-space director: no IP forwarding or ICMP
# redirects (the director forwards), no RSTs from the kernel for masqueraded flows' replies (an
# nftables drop of the masquerade port range on the public address: libpcap sees them first), and no
# NIC offloads that would hand libpcap merged or checksum-less frames. Each change is reported and
# saved, so that `stop` puts it back.
prepare_host() {
  local public=$1 private=$2 socket=${3:-} saved="$state_dir/host-state"
  mkdir -p "$state_dir"
  # Every change below is to this network namespace: `stop` must undo them in the same one.
  echo "netns $(readlink /proc/self/ns/net)" >"$saved"
  local key
  for key in net.ipv4.ip_forward net.ipv4.conf.all.send_redirects net.ipv4.conf.default.send_redirects \
             "net.ipv4.conf.$public.send_redirects" "net.ipv4.conf.$private.send_redirects"; do
    echo "sysctl $key $(sysctl -n "$key")" >>"$saved"
    sysctl -qw "$key=0"
    say "host: $key = 0"
  done
  local address
  address=$(ip -4 -o addr show dev "$public" | awk '{print $4}' | cut -d/ -f1 | head -1)
  nft delete table ip forwarder 2>/dev/null || true
  nft -f - <<NFT
table ip forwarder {
  chain input {
    type filter hook input priority -300; policy accept;
    iifname "$public" ip daddr $address tcp dport 32768-60999 drop
    iifname "$public" ip daddr $address udp dport 32768-60999 drop
  }
}
NFT
  echo "nft forwarder" >>"$saved"
  say "host: nftables table ip forwarder drops TCP/UDP to $address ports 32768-60999 (masquerade replies) before the kernel's stack"
  # Where the system has no ipvsadm, one that talks to this director (not in a lab: its state is its own).
  if [ "$state_dir" = /run/forwarder ] && ! command -v ipvsadm >/dev/null 2>&1; then
    local socket_args=""
    [ -n "$socket" ] && socket_args="--socket $(printf '%q' "$socket")"
    printf '#!/bin/sh\n# installed by %s: ipvsadm for the running Forwarder director\nexec %q ipvsadm %s "$@"\n' \
      "$here/run-director.sh" "$here/run-director.sh" "$socket_args" >/usr/local/sbin/ipvsadm
    chmod 755 /usr/local/sbin/ipvsadm
    echo "wrapper /usr/local/sbin/ipvsadm" >>"$saved"
    say "host: installed /usr/local/sbin/ipvsadm (the system has none): it drives this director"
  fi
  local dev
  for dev in "$public" "$private"; do
    ethtool -K "$dev" gro off gso off tso off tx off rx off >/dev/null 2>&1 || true
    echo "offload $dev" >>"$saved"
    say "host: $dev offloads off (gro gso tso tx rx)"
  done
}

restore_host() {
  local saved="$state_dir/host-state" kind a b
  [ -f "$saved" ] || { say "no host changes to undo"; return 0; }
  local here_ns
  here_ns=$(readlink /proc/self/ns/net)
  if ! grep -qxF "netns $here_ns" "$saved"; then
    say "the director's host changes were made in another network namespace ($(sed -n 's/^netns //p' "$saved")); run stop there"
    return 1
  fi
  while read -r kind a b; do
    case "$kind" in
      sysctl) sysctl -qw "$a=$b" && say "host: $a = $b (restored)" ;;
      nft) nft delete table ip forwarder 2>/dev/null && say "host: nftables table ip forwarder removed" ;;
      offload) ethtool -K "$a" gro on gso on tso on tx on rx on >/dev/null 2>&1; say "host: $a offloads back on" ;;
      wrapper) rm -f "$a" && say "host: $a removed" ;;
    esac
  done <"$saved"
  rm -f "$saved"
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
# line is the forwarder's `run`.
is_our_director() {
  local pid=$1 start=$2 now cmdline
  now=$(start_time "$pid") || return 1
  [ "$now" = "$start" ] || return 1
  cmdline=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  grep -qx run <<<"$cmdline" && grep -q "/$(basename "$forwarder_dll")\$" <<<"$cmdline"
}

run_director() {
  local public=eth2 private=eth1 socket="" args=("$@") i check=0
  for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[$i]}" in
      --public) public=${args[$((i + 1))]} ;;
      --private) private=${args[$((i + 1))]} ;;
      --socket) socket=${args[$((i + 1))]} ;;
      --check) check=1 ;;
    esac
  done
  ensure_packages run
  build
  [ "$check" -eq 1 ] && exec dotnet "$forwarder_dll" run "$@"
  [ "$(id -u)" -eq 0 ] || { say "the live director needs root (raw capture and injection)"; exit 1; }
  local pidfile="$state_dir/director.pid" pid start
  if [ -s "$pidfile" ] && read -r pid start <"$pidfile" && is_our_director "$pid" "${start:-}"; then
    say "a director is already running (pid $pid): ./run-director.sh stop first"
    exit 1
  fi
  # A director that has just ended may still have its watcher restoring the host (it removes the pidfile
  # last); what no watcher will undo any more is undone here, before the host is prepared again.
  for _ in $(seq 50); do [ -e "$pidfile" ] || break; sleep 0.1; done
  rm -f "$pidfile"
  if [ -f "$state_dir/host-state" ]; then
    say "undoing the host changes a previous director left behind"
    restore_host
  fi
  # The director refuses what it cannot run with (interfaces, rules, counters file, socket) before the host
  # is touched.
  dotnet "$forwarder_dll" run --check "$@" || exit $?
  prepare_host "$public" "$private" "$socket"
  # Whatever way the director ends (SIGTERM, a failure, SIGKILL), the host is put back: a watcher holds the
  # read end of a pipe whose write end only the director holds, and restores the host when it closes.
  exec 3> >(
    trap '' INT TERM HUP
    read -r _ || true
    restore_host
    rm -f "$pidfile"
  )
  echo "$$ $(start_time $$)" >"$pidfile"
  # A 4 MiB gen0 budget: a large -R allocates its new table on the control thread, and the collector stops the
  # engine thread while it copies what survives; small young generations keep each such stop short (README).
  export DOTNET_GCgen0size=${DOTNET_GCgen0size:-0x400000}
  exec dotnet "$forwarder_dll" run "$@"
}

stop_director() {
  local pidfile="$state_dir/director.pid" pid start
  if [ -s "$pidfile" ]; then
    read -r pid start <"$pidfile" || true
    if is_our_director "${pid:-}" "${start:-}"; then
      kill -TERM "$pid"
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then
        say "director $pid did not stop within 10 s"
        return 1
      fi
      say "director $pid stopped"
      # Its watcher restores the host as it ends (and says so on the director's output): wait for that, and
      # finish it here if the watcher is gone.
      for _ in $(seq 50); do [ -e "$pidfile" ] || break; sleep 0.1; done
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

ipvsadm_client() {
  [ -f "$forwarder_dll" ] || build
  exec dotnet "$forwarder_dll" ipvsadm "$@"
}

# ---- the lab ---------------------------------------------------------------------------------------
lab() {
  local keep=0
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
  cat >"$director_state/rules" <<'RULES'
-A -t 192.168.1.199:80 -s rr
-a -t 192.168.1.199:80 -r 192.168.139.254:80 -m
-a -t 192.168.1.199:80 -r 192.168.139.253:80 -m
-a -t 192.168.1.199:80 -r 192.168.139.252:80 -m
RULES
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
  echo "# director up (log $director_state/director.log); the seed's rules: rr over web1 .254, web2 .253, web3 .252"
  echo "# the seed's client loop: GET http://192.168.1.199/ and the time, six times"
  for _ in 1 2 3 4 5 6; do
    ip netns exec "${LAB_PREFIX}client" curl -s -m 5 http://192.168.1.199/ || echo "(no answer)"
    date
    sleep 1
  done
  echo "# ipvsadm -Ln"
  dotnet "$forwarder_dll" ipvsadm --socket "$socket" -Ln
  echo "# ipvsadm -Lnc"
  dotnet "$forwarder_dll" ipvsadm --socket "$socket" -Lnc
  if [ "$keep" -eq 1 ]; then
    echo "# lab kept: ./run-director.sh ipvsadm --socket $socket -Ln; LAB_PREFIX=$LAB_PREFIX src/lab/lab-netns.sh down to remove"
  fi
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
  ipvsadm) shift; ipvsadm_client "$@" ;;
  seed) seed ;;
  test) shift; run_tests "$@" ;;
  replay) shift; ensure_packages replay; build; forwarder replay "$@" ;;
  race) shift; ensure_packages race; exec "$here/tests/race/race.sh" "$@" ;;
  *) say "run-director.sh: unknown command: $1"; usage >&2; exit 2 ;;
esac
