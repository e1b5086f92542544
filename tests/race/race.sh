#!/usr/bin/env bash
# The race against the kernel: the same lab (src/lab/lab-netns.sh), once with the kernel's own NAT as the
# director (nftables DNAT, numgen round-robin over the three webs, forwarding on) and once with Forwarder;
# keep-alive HTTP requests/s, new connections/s (Connection: close) and bulk TCP throughput (iperf3), each
# the median of RUNS bounded runs of SECONDS seconds, printed side by side with the ratio ours/kernel.
# A benchmark, not a test. Root; everything stays inside the lab's namespaces and is removed at the end.
#
#   ./run-director.sh race [RUNS] [SECONDS]        (default 3 runs of 5 s)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$here"
RUNS=${1:-3}
SECONDS_PER_RUN=${2:-5}
export LAB_PREFIX=race-
export LAB_STATE=/tmp/race-lab
lab=src/lab/lab-netns.sh
dll=src/Forwarder/bin/Release/net10.0/forwarder.dll
VIP=192.168.1.199

[ "$(id -u)" -eq 0 ] || { echo "the race needs root (network namespaces)" >&2; exit 1; }
command -v wrk >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null
dotnet build src/Forwarder/Forwarder.csproj -c Release -v quiet -nologo >/dev/null

ns() { ip netns exec "$LAB_PREFIX$1" "${@:2}"; }
director_pid=""
cleanup() {
  [ -n "$director_pid" ] && { kill -TERM "$director_pid" 2>/dev/null; sleep 1; kill -9 "$director_pid" 2>/dev/null || true; }
  "$lab" down >/dev/null 2>&1 || true
}
trap cleanup EXIT

median() { sort -g | awk '{v[NR]=$1} END {if (NR == 0) print 0; else print v[int((NR + 1) / 2)]}'; }

# One measurement: prints the figure (requests/s or Mbit/s) for the current director.
keepalive() { ns client wrk -t1 -c32 -d"${SECONDS_PER_RUN}s" "http://$VIP/" | awk '/Requests\/sec/ {print $2}'; }
newconns() { ns client wrk -t1 -c32 -d"${SECONDS_PER_RUN}s" -H 'Connection: close' "http://$VIP/" | awk '/Requests\/sec/ {print $2}'; }
bulk() {
  ns client iperf3 -c "$VIP" -t "$SECONDS_PER_RUN" -J 2>/dev/null |
    python3 -c 'import json,sys; print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6, 1))'
}

# CPU seconds (user + system) a process has used so far.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }

measure() { # measure NAME FUNCTION → prints the median of RUNS runs
  local values=() i
  for ((i = 0; i < RUNS; i++)); do values+=("$("$2")"); sleep 1; done
  printf '%s\n' "${values[@]}" | median
}

declare -A result
run_contender() { # run_contender kernel|ours
  local who=$1 metric start_cpu
  for metric in keepalive newconns bulk; do
    if [ "$who" = ours ]; then start_cpu=$(cpu_seconds "$director_pid"); fi
    result[$who,$metric]=$(measure "$metric" "$metric")
    if [ "$who" = ours ]; then
      result[$who,$metric,cpu]=$(awk -v a="$start_cpu" -v b="$(cpu_seconds "$director_pid")" -v t="$((RUNS * (SECONDS_PER_RUN + 1)))" 'BEGIN {printf "%.0f%%", (b - a) / t * 100}')
    fi
  done
}

"$lab" down >/dev/null 2>&1 || true
"$lab" up >/dev/null
ns director sysctl -qw net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0

echo "# kernel: nftables DNAT (numgen inc mod 3), VIP:5201 to web1, ip_forward on" >&2
ns director ip addr add "$VIP/32" dev eth2
ns director sysctl -qw net.ipv4.ip_forward=1
ns director nft -f - <<NFT
table ip race {
  chain pre {
    type nat hook prerouting priority dstnat; policy accept;
    ip daddr $VIP tcp dport 80 dnat to numgen inc mod 3 map { 0 : 192.168.139.254, 1 : 192.168.139.253, 2 : 192.168.139.252 }
    ip daddr $VIP tcp dport 5201 dnat to 192.168.139.254
  }
}
NFT
run_contender kernel
ns director nft delete table ip race
ns director ip addr del "$VIP/32" dev eth2
ns director sysctl -qw net.ipv4.ip_forward=0

echo "# ours: forwarder run, rr over the three webs, VIP:5201 to web1" >&2
mkdir -p "$LAB_STATE/director"
cat >"$LAB_STATE/director/rules" <<RULES
-A -t $VIP:80 -s rr
-a -t $VIP:80 -r 192.168.139.254:80 -m
-a -t $VIP:80 -r 192.168.139.253:80 -m
-a -t $VIP:80 -r 192.168.139.252:80 -m
-A -t $VIP:5201 -s rr
-a -t $VIP:5201 -r 192.168.139.254:5201 -m
RULES
FORWARDER_DLL="$here/$dll" FORWARDER_STATE="$LAB_STATE/director" ns director "$here/run-director.sh" run \
  --socket "$LAB_STATE/director/forwarder.sock" --rules "$LAB_STATE/director/rules" >"$LAB_STATE/director/log" 2>&1 &
sleep 1
for _ in $(seq 100); do [ -S "$LAB_STATE/director/forwarder.sock" ] && break; sleep 0.1; done
director_pid=$(pgrep -f "forwarder.dll run --socket $LAB_STATE/director/forwarder.sock" | head -1)
run_contender ours

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "n/a"}'; }
printf '\n%-34s %14s %14s %8s %12s\n' "median of $RUNS × ${SECONDS_PER_RUN}s" kernel forwarder ratio "our CPU"
printf '%-34s %14s %14s %8s %12s\n' "HTTP keep-alive (requests/s)" "${result[kernel,keepalive]}" "${result[ours,keepalive]}" "$(ratio "${result[ours,keepalive]}" "${result[kernel,keepalive]}")" "${result[ours,keepalive,cpu]}"
printf '%-34s %14s %14s %8s %12s\n' "new connections (requests/s)" "${result[kernel,newconns]}" "${result[ours,newconns]}" "$(ratio "${result[ours,newconns]}" "${result[kernel,newconns]}")" "${result[ours,newconns,cpu]}"
printf '%-34s %14s %14s %8s %12s\n' "bulk TCP, iperf3 (Mbit/s)" "${result[kernel,bulk]}" "${result[ours,bulk]}" "$(ratio "${result[ours,bulk]}" "${result[kernel,bulk]}")" "${result[ours,bulk,cpu]}"
