#!/usr/bin/env bash
# Forwarder's one entry point.
#
#   ./run-director.sh seed                 replay the seed guide's NAT experiment (captures/seed-nat-rr):
#                                          print tcpdump's view of what the director sent and ipvsadm -Ln
#   ./run-director.sh test                 run every test; ends with "N passed, N failed[, N skipped]"
#   ./run-director.sh replay ARGS...       forwarder replay --rules F --topology F --in IF=PCAP... --out DIR [--list]
#
# Each installs what it lacks (libpcap, tcpdump) with apt-get when run as root.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '%s\n' "$*" >&2; }

# Debian packages the director and its tests use, installed once when missing.
ensure_packages() {
  local missing=()
  ldconfig -p 2>/dev/null | grep -q 'libpcap\.so\.0\.8' || missing+=(libpcap0.8)
  command -v tcpdump >/dev/null 2>&1 || missing+=(tcpdump)
  command -v ip >/dev/null 2>&1 || missing+=(iproute2)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    say "missing: ${missing[*]} — run as root, or install them with apt-get"
    exit 1
  fi
  say "installing ${missing[*]} ..."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_dotnet() {
  command -v dotnet >/dev/null 2>&1 && return 0
  say "the .NET SDK (dotnet) is not on PATH: install .NET 10 first"
  exit 1
}

forwarder_dll=src/Forwarder/bin/Release/net10.0/forwarder.dll
build() {
  ensure_dotnet
  dotnet build src/Forwarder/Forwarder.csproj -c Release -v quiet -nologo >/dev/null || {
    dotnet build src/Forwarder/Forwarder.csproj -c Release -nologo 2>&1 | grep -E 'error' >&2
    exit 1
  }
}

forwarder() { dotnet "$forwarder_dll" "$@"; }

seed() {
  ensure_packages
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

run_tests() {
  ensure_packages
  ensure_dotnet
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

case "${1:-}" in
  seed) seed ;;
  test) shift; run_tests "$@" ;;
  replay) shift; ensure_packages; build; forwarder replay "$@" ;;
  *) sed -n '2,10p' "$0"; exit 2 ;;
esac
