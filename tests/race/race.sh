#!/usr/bin/env bash
# The race: four directors for the same lab (src/lab/lab-netns.sh), one at a time on the VIP:
#   kernel     the kernel's own NAT: nftables DNAT (numgen inc mod 3 over the three webs, VIP:5201 to web1),
#              forwarding on
#   forwarder  ours: `forwarder run` in the director namespace, rr over the three webs (masquerading), VIP:5201
#              to web1
#   haproxy    HAProxy in TCP mode (mode tcp, balance roundrobin), what an operator picks without kernel IPVS
#   nginx      nginx's stream proxy (an upstream of the three webs, round-robin)
# The director's two interfaces have GRO on for every contender (as a NIC has by default; the lab's veths start with
# every offload off): the kernel forwards GRO's merged frames whole, the proxies read them, and Forwarder runs
# with --gro, which takes them whole too and has the kernel cut them to the MTU on the way out.
# Interleaved run by run, the order turning by one each round (kernel first in round 1, Forwarder first in round 2,
# ...), so no contender always runs right after the same one: each round starts every contender in turn, warms it
# up, clears every namespace's TIME_WAIT sockets (again before new connections), measures HTTP keep-alive
# requests/s (wrk -t1 -c32, with its p50/p99 latency), new connections/s (the same with Connection: close) and
# bulk TCP throughput (iperf3, one stream), then stops it. The table gives each figure's median over the rounds
# with its min-max, each contender's CPU (its processes' user+system time over the measured interval, in % of
# one core; "-" for the kernel's NAT, which has no process) and the whole machine's softirq time over the same
# interval (the kernel's NAT runs there; so do the client's and the webs' network stacks, for every contender).
# The last line, for scripts:  race: keep-alive R new-connections R bulk R   (Forwarder / kernel, of the medians)
# A benchmark, not a test. Root; everything stays inside the lab's namespaces and is removed at the end, even
# on failure; every process it starts is stopped by its PID; configs live in the lab's state directory.
#
#   ./run-director.sh race [RUNS] [SECONDS]    (default 5 rounds, 5 s per measure)
#   environment: WARMUP=S seconds of unmeasured keep-alive and of new connections after each start (default 1);
#                RACE_CONTENDERS="kernel forwarder haproxy nginx" (a subset, in this order, for a quick look)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$here"
RUNS=${1:-5}
SECONDS_PER_RUN=${2:-5}
WARMUP=${WARMUP:-1}
CONTENDERS=${RACE_CONTENDERS:-kernel forwarder haproxy nginx}
export LAB_PREFIX=race-
export LAB_STATE=/tmp/race-lab
lab=src/lab/lab-netns.sh
dll=src/Forwarder/bin/Release/net10.0/forwarder.dll
VIP=192.168.1.199
WEB_IPS=(192.168.139.254 192.168.139.253 192.168.139.252)
stream_module=/usr/lib/nginx/modules/ngx_stream_module.so

say() { printf '%s\n' "$*" >&2; }
fail() { say "race: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "the race needs root (network namespaces)"
[[ "$RUNS" =~ ^[1-9][0-9]*$ && "$SECONDS_PER_RUN" =~ ^[1-9][0-9]*$ && "$WARMUP" =~ ^[0-9]+$ ]] ||
  fail "RUNS and SECONDS must be positive integers, WARMUP a whole number of seconds"
for c in $CONTENDERS; do
  case "$c" in kernel | forwarder | haproxy | nginx) ;; *) fail "unknown contender $c (kernel forwarder haproxy nginx)" ;; esac
done
for tool in wrk iperf3 haproxy nginx nft ethtool curl python3; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is missing: run the race as ./run-director.sh race, which installs it"
done
[ -e "$stream_module" ] || fail "nginx's stream module is missing: ./run-director.sh race installs libnginx-mod-stream"
dotnet build src/Forwarder/Forwarder.csproj -c Release -v quiet -nologo >/dev/null || fail "the build failed"

ns() { ip netns exec "$LAB_PREFIX$1" "${@:2}"; }

# ---- processes: started in the background by us, watched and stopped by PID ---------------------------------
# A process's fields after its "(name)", which may hold spaces: $1 is the state, $12 utime, $13 stime.
stat_fields() { local stat; stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; echo "${stat##*) }"; }

# Alive and not yet a zombie (a child that has exited stays in /proc until it is reaped).
alive() { local fields; [ -n "$1" ] && fields=$(stat_fields "$1") || return 1; [ "${fields%% *}" != Z ]; }

# PID and every process under it (nginx's master and its workers).
process_tree() {
  local pid=$1 child
  echo "$pid"
  for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do process_tree "$child"; done
}

# TERM each PID, wait (bounded) until all are gone, KILL what is left, reap our children.
stop_pids() { # stop_pids SECONDS PID...
  local limit=$1 pid i
  shift
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for ((i = 0; i < limit * 10; i++)); do
    local left=0
    for pid in "$@"; do alive "$pid" && left=1; done
    [ "$left" -eq 0 ] && break
    sleep 0.1
  done
  for pid in "$@"; do
    if alive "$pid"; then say "# pid $pid did not stop within $limit s: killed"; kill -KILL "$pid" 2>/dev/null || true; fi
  done
  for pid in "$@"; do wait "$pid" 2>/dev/null || true; done
}

# CPU seconds (user + system) the current contender's processes have used so far; "-" for the kernel's NAT.
contender_cpu() {
  [ -n "$contender_pid" ] || { echo -; return; }
  local ticks=0 pid fields
  for pid in $(process_tree "$contender_pid"); do
    fields=$(stat_fields "$pid") || continue
    set -- $fields
    ticks=$((ticks + ${12} + ${13}))
  done
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN {print t / hz}'
}

# The machine's softirq time so far, in seconds (/proc/stat's cpu line, seventh value).
softirq_seconds() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / {print $8 / hz; exit}' /proc/stat; }
now() { date +%s.%N; }

# ---- switching: exactly one contender handles the VIP at a time --------------------------------------------
current="" contender_pid=""

vip_on_director() { ns director ip addr replace "$VIP/32" dev eth2; }
vip_off_director() { ns director ip addr del "$VIP/32" dev eth2 2>/dev/null || true; }

# Nothing left of any contender: no VIP on the director, no NAT table, no forwarding, no Forwarder.
assert_idle() {
  ! ns director ip -o addr show dev eth2 | grep -qF " $VIP/" || fail "the VIP is still on the director's eth2"
  ! ns director nft list table ip race >/dev/null 2>&1 || fail "the kernel's NAT table is still there"
  ! ns director nft list table ip forwarder >/dev/null 2>&1 || fail "Forwarder's host table is still there"
  ! ns director nft list table netdev forwarder >/dev/null 2>&1 || fail "Forwarder's ingress table is still there"
  [ "$(ns director sysctl -n net.ipv4.ip_forward)" = 0 ] || fail "forwarding is still on in the director"
}

# Bounded: the VIP answers HTTP through the contender (and, for a proxy, it listens on :5201 too).
wait_ready() {
  local i
  for ((i = 0; i < 100; i++)); do
    [ -z "$contender_pid" ] || alive "$contender_pid" || return 1
    if [ "$(ns client curl -s -m 1 -o /dev/null -w '%{http_code}' "http://$VIP/" 2>/dev/null)" = 200 ]; then
      case "$current" in
        haproxy | nginx) ns director ss -Hltn "( sport = :5201 )" | grep -qF "$VIP:5201" && return 0 ;;
        *) return 0 ;;
      esac
    fi
    sleep 0.2
  done
  return 1
}

start_kernel() {
  vip_on_director
  ns director sysctl -qw net.ipv4.ip_forward=1
  ns director nft -f - <<NFT
table ip race {
  chain pre {
    type nat hook prerouting priority dstnat; policy accept;
    ip daddr $VIP tcp dport 80 dnat to numgen inc mod 3 map { 0 : ${WEB_IPS[0]}, 1 : ${WEB_IPS[1]}, 2 : ${WEB_IPS[2]} }
    ip daddr $VIP tcp dport 5201 dnat to ${WEB_IPS[0]}
  }
}
NFT
}
stop_kernel() {
  ns director nft delete table ip race 2>/dev/null || true
  ns director sysctl -qw net.ipv4.ip_forward=0
  vip_off_director
}

start_forwarder() {
  local state="$LAB_STATE/director" i
  mkdir -p "$state"
  {
    echo "-A -t $VIP:80 -s rr"
    for ip in "${WEB_IPS[@]}"; do echo "-a -t $VIP:80 -r $ip:80 -m"; done
    echo "-A -t $VIP:5201 -s rr"
    echo "-a -t $VIP:5201 -r ${WEB_IPS[0]}:5201 -m"
  } >"$state/rules"
  rm -f "$state/forwarder.sock"
  # A simple command in the background: ip netns exec, run-director.sh and dotnet each exec the next, so $! is
  # the director itself once it runs.
  FORWARDER_DLL="$here/$dll" FORWARDER_STATE="$state" ip netns exec "${LAB_PREFIX}director" "$here/run-director.sh" run \
    --socket "$state/forwarder.sock" --rules "$state/rules" --gro >>"$state/log" 2>&1 &
  contender_pid=$!
  for ((i = 0; i < 600; i++)); do
    [ -S "$state/forwarder.sock" ] && break
    alive "$contender_pid" || break
    sleep 0.1
  done
  [ -S "$state/forwarder.sock" ] && tr '\0' ' ' <"/proc/$contender_pid/cmdline" | grep -q "forwarder.dll run " || {
    tail -20 "$state/log" >&2
    fail "Forwarder did not start (log above)"
  }
}
stop_forwarder() {
  local state="$LAB_STATE/director" i
  [ -n "$contender_pid" ] && stop_pids 15 "$contender_pid"
  # Its watcher puts the director's host back as it ends and removes the pidfile last: wait for it, and finish
  # the job here if it did not.
  for ((i = 0; i < 100; i++)); do [ -e "$state/director.pid" ] || break; sleep 0.1; done
  if [ -f "$state/host-state" ]; then
    FORWARDER_DLL="$here/$dll" FORWARDER_STATE="$state" ns director "$here/run-director.sh" stop >>"$state/log" 2>&1 || true
  fi
  ns director nft delete table ip forwarder 2>/dev/null || true
  ns director nft delete table netdev forwarder 2>/dev/null || true
  # Its restore puts back what it found; whatever it left, the next contender starts from the race's offloads.
  director_offloads
}

# The race's offloads on the director: GRO on (merged frames in), the rest off as the lab has them.
director_offloads() {
  local dev
  for dev in eth1 eth2; do
    ns director ethtool -K "$dev" gso off tso off tx off rx off >/dev/null 2>&1 || true
    ns director ethtool -K "$dev" gro on >/dev/null 2>&1 || true
  done
}

start_haproxy() {
  local dir="$LAB_STATE/haproxy"
  mkdir -p "$dir"
  {
    echo "global"
    echo "  maxconn 4096"
    echo "defaults"
    echo "  mode tcp"
    echo "  timeout connect 2s"
    echo "  timeout client 30s"
    echo "  timeout server 30s"
    echo "frontend http"
    echo "  bind $VIP:80"
    echo "  default_backend webs"
    echo "backend webs"
    echo "  balance roundrobin"
    local n=1
    for ip in "${WEB_IPS[@]}"; do echo "  server web$n $ip:80"; n=$((n + 1)); done
    echo "frontend bulk"
    echo "  bind $VIP:5201"
    echo "  default_backend iperf"
    echo "backend iperf"
    echo "  server web1 ${WEB_IPS[0]}:5201"
  } >"$dir/haproxy.cfg"
  vip_on_director
  ip netns exec "${LAB_PREFIX}director" haproxy -db -f "$dir/haproxy.cfg" >>"$dir/log" 2>&1 &
  contender_pid=$!
}

start_nginx() {
  local dir="$LAB_STATE/nginx-stream"
  mkdir -p "$dir"
  {
    echo "load_module $stream_module;"
    echo "worker_processes auto;"
    echo "daemon off;"
    echo "pid $dir/nginx.pid;"
    echo "error_log $dir/error.log;"
    echo "events { worker_connections 4096; }"
    echo "stream {"
    echo "  upstream webs {"
    for ip in "${WEB_IPS[@]}"; do echo "    server $ip:80;"; done
    echo "  }"
    echo "  proxy_connect_timeout 2s;"
    echo "  server { listen $VIP:80 backlog=4096; proxy_pass webs; }"
    echo "  server { listen $VIP:5201; proxy_pass ${WEB_IPS[0]}:5201; }"
    echo "}"
  } >"$dir/nginx.conf"
  vip_on_director
  ip netns exec "${LAB_PREFIX}director" nginx -e "$dir/error.log" -c "$dir/nginx.conf" >>"$dir/log" 2>&1 &
  contender_pid=$!
}

stop_proxy() {
  # nginx's workers are the master's children: stopped with it, or killed by their own PIDs if it hangs.
  [ -n "$contender_pid" ] && stop_pids 10 $(process_tree "$contender_pid")
  vip_off_director
}

show_logs() {
  local f
  for f in "$LAB_STATE/director/log" "$LAB_STATE/$1/log" "$LAB_STATE/nginx-stream/error.log"; do
    case "$f" in */director/*) [ "$1" = forwarder ] || continue ;; */nginx-stream/*) [ "$1" = nginx ] || continue ;; esac
    [ -s "$f" ] && tail -20 "$f" >&2
  done
  return 0
}

start() { # start CONTENDER: it alone handles the VIP, and answers
  assert_idle
  current=$1 contender_pid=""
  "start_$1"
  wait_ready || { show_logs "$1"; stop_current; fail "$1 did not answer on $VIP within 20 s (its log above)"; }
}
stop_current() {
  case "$current" in
    kernel) stop_kernel ;;
    forwarder) stop_forwarder ;;
    haproxy | nginx) stop_proxy ;;
  esac
  current="" contender_pid=""
  # The next contender starts from a clean slate: no TIME_WAIT sockets left by this one's closed connections.
  clear_time_wait
}
# A new SYN that meets a TIME_WAIT socket with a later timestamp is dropped and retried a second later, and every
# TIME_WAIT socket of the client's makes its search for a free port longer: the warm-up's closed connections
# would weigh on the measured ones, the more so the faster the contender.
clear_time_wait() {
  local host
  for host in client director web1 web2 web3; do ns "$host" ss -K state time-wait >/dev/null 2>&1 || true; done
}

cleanup() {
  set +e
  stop_current
  "$lab" down >/dev/null 2>&1
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- one measurement ---------------------------------------------------------------------------------------
# wrk against the VIP: prints "requests/s p50-ms p99-ms", nothing when wrk failed; errors go to stderr.
wrk_run() { # wrk_run SECONDS [wrk args...]
  local seconds=$1 out
  shift
  out=$(ns client timeout $((seconds + 15)) wrk -t1 -c32 -d"${seconds}s" --timeout 2s --latency "$@" "http://$VIP/" 2>&1) || true
  grep -E 'Socket errors|Non-2xx' <<<"$out" | sed "s/^ */# $current: wrk: /" >&2 || true
  awk 'function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v + 0 }
       $1 == "50%" {p50 = ms($2)} $1 == "99%" {p99 = ms($2)} /^Requests\/sec/ {r = $2}
       END {if (r != "") printf "%.0f %.3f %.3f\n", r, p50, p99}' <<<"$out"
}
keepalive() { wrk_run "$SECONDS_PER_RUN"; }
newconns() { wrk_run "$SECONDS_PER_RUN" -H 'Connection: close' | awk '{print $1}'; }
bulk() {
  { ns client timeout $((SECONDS_PER_RUN + 15)) iperf3 -c "$VIP" -t "$SECONDS_PER_RUN" --connect-timeout 2000 -J 2>/dev/null || true; } |
    python3 -c 'import json,sys
try: print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))
except Exception: pass'
}

declare -A samples # samples[CONTENDER,KEY] = the values of the rounds, space-separated
record() { samples[$1,$2]="${samples[$1,$2]:-} $3"; }

measured="" # what the last measure printed
measure() { # measure METRIC: one run against the current contender; its figure, CPU and softirq recorded
  local metric=$1 cpu0 cpu1 si0 si1 t0 t1 out value p50 p99
  cpu0=$(contender_cpu) si0=$(softirq_seconds) t0=$(now)
  out=$("$metric")
  t1=$(now) si1=$(softirq_seconds) cpu1=$(contender_cpu)
  measured=${out:-none}
  if [ -z "$out" ]; then
    say "# $current: $metric produced no figure in this round (left out of its median)"
  else
    read -r value p50 p99 <<<"$out"
    record "$current" "$metric" "$value"
    if [ "$metric" = keepalive ]; then
      record "$current" p50 "$p50"
      record "$current" p99 "$p99"
      measured="$value/s p50 $p50 ms p99 $p99 ms"
    fi
  fi
  if [ "$cpu0" != - ]; then
    record "$current" "$metric,cpu" "$(awk -v a="$cpu0" -v b="$cpu1" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.0f", (b - a) / (t1 - t0) * 100}')"
  fi
  record "$current" "$metric,softirq" "$(awk -v a="$si0" -v b="$si1" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.0f", (b - a) / (t1 - t0) * 100}')"
}

# ---- the rounds --------------------------------------------------------------------------------------------
describe() {
  case "$1" in
    kernel) echo "kernel: nftables DNAT (numgen inc mod 3), VIP:5201 to web1, ip_forward on" ;;
    forwarder) echo "forwarder: forwarder run, rr over the three webs (masquerading), VIP:5201 to web1" ;;
    haproxy) echo "haproxy: $(haproxy -v | head -1 | awk '{print $3}'), mode tcp, balance roundrobin, VIP:5201 to web1" ;;
    nginx) echo "nginx: $(nginx -v 2>&1 | sed 's/.*\///'), stream proxy, worker_processes auto, VIP:5201 to web1" ;;
  esac
}

"$lab" down >/dev/null 2>&1 || true
"$lab" up >/dev/null
ns director sysctl -qw net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0
ns director sysctl -qw net.ipv4.ip_forward=0
director_offloads
for c in $CONTENDERS; do say "# $(describe "$c")"; done
say "# $RUNS rounds, the order turning by one each round: ${WARMUP} s + ${WARMUP} s warm-up, then keep-alive, new connections, bulk, ${SECONDS_PER_RUN} s each"

# The contenders of round R: the list turned left by R-1 places.
round_order() {
  local -a list
  read -ra list <<<"$CONTENDERS"
  local turn=$((($1 - 1) % ${#list[@]}))
  echo "${list[@]:turn}" "${list[@]:0:turn}"
}

for ((round = 1; round <= RUNS; round++)); do
  for c in $(round_order "$round"); do
    start "$c"
    if [ "$WARMUP" -gt 0 ]; then
      wrk_run "$WARMUP" >/dev/null
      wrk_run "$WARMUP" -H 'Connection: close' >/dev/null
    fi
    clear_time_wait
    sleep 1
    line="# round $round/$RUNS $c:"
    measure keepalive; line+=" keep-alive $measured"; sleep 1
    clear_time_wait
    measure newconns; line+="; new connections $measured/s"; sleep 1
    measure bulk; line+="; bulk $measured Mbit/s"
    say "$line"
    stop_current
    sleep 1
  done
done

# ---- the table ---------------------------------------------------------------------------------------------
# "median min max" of a list of numbers; the median of an even count is the mean of the middle two.
spread() {
  tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{v[NR] = $1}
    END {if (NR == 0) exit; m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1], v[NR]}'
}
median_of() { local s; s=$(spread "${samples[$1,$2]:-}"); [ -n "$s" ] && echo "${s%% *}" || echo -; }
cell() { # cell CONTENDER KEY median|range|percent
  local s
  s=$(spread "${samples[$1,$2]:-}")
  [ -n "$s" ] || { echo -; return; }
  read -r m lo hi <<<"$s"
  case "$3" in
    median) printf '%.0f' "$m" ;;
    range) printf '%.0f-%.0f' "$lo" "$hi" ;;
    percent) printf '%.0f %%' "$m" ;;
  esac
}
latency_cell() {
  local p50 p99
  p50=$(median_of "$1" p50) p99=$(median_of "$1" p99)
  [ "$p50" = - ] && { echo -; return; }
  printf '%.2f / %.2f' "$p50" "$p99"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a != "-" && b != "-" && b > 0) printf "%.2f", a / b; else print "n/a"}'; }

name() { case "$1" in kernel) echo "kernel NAT" ;; forwarder) echo Forwarder ;; haproxy) echo "HAProxy tcp" ;; nginx) echo "nginx stream" ;; esac; }
row() { # row LABEL CELL-FUNCTION ARGS... : one cell per contender
  local label=$1 c
  shift
  printf '%-34s' "$label"
  for c in $CONTENDERS; do printf ' %15s' "$("$1" "$c" "${@:2}")"; done
}

printf '\n%-34s' "median of $RUNS x ${SECONDS_PER_RUN} s, interleaved"
for c in $CONTENDERS; do printf ' %15s' "$(name "$c")"; done
printf ' %12s\n' "ours/kernel"
for metric in keepalive newconns bulk; do
  case "$metric" in
    keepalive) label="HTTP keep-alive (requests/s)" ;;
    newconns) label="new connections (requests/s)" ;;
    bulk) label="bulk TCP, iperf3 (Mbit/s)" ;;
  esac
  row "$label" cell "$metric" median
  printf ' %12s\n' "$(ratio "$(median_of forwarder "$metric")" "$(median_of kernel "$metric")")"
  row "  min-max" cell "$metric" range; echo
  [ "$metric" = keepalive ] && { row "  latency p50 / p99 (ms)" latency_cell; echo; }
  row "  CPU (% of one core)" cell "$metric,cpu" percent; echo
  row "  softirq, whole machine (%)" cell "$metric,softirq" percent; echo
done
echo
printf 'race: keep-alive %s new-connections %s bulk %s\n' \
  "$(ratio "$(median_of forwarder keepalive)" "$(median_of kernel keepalive)")" \
  "$(ratio "$(median_of forwarder newconns)" "$(median_of kernel newconns)")" \
  "$(ratio "$(median_of forwarder bulk)" "$(median_of kernel bulk)")"
