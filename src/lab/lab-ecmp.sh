#!/usr/bin/env bash
# Active-active directors behind ECMP, in network namespaces on one machine: a router spreads the client's flows
# over N directors by an L4 hash; every director runs mh (with mh-port) over the same three DR real servers, so
# all of them pick the same server for a flow, and --sloppy-tcp lets a director take over a flow mid-stream.
#
#   client 172.16.0.2 ── c0 [router] br-front 10.0.0.1 ──┬── pub [dir1] priv 192.168.139.11 ──┐
#          VIP 192.168.1.199: nexthop group              ├── pub [dir2] priv 192.168.139.12 ──┤ br-back (router)
#          (resilient) via 10.0.0.11 .. 10.0.0.1N        └── pub [dirN] priv ...              ├── web1 .254 ┐ VIP on lo,
#                                  br-back 192.168.139.1 ◄── the webs' replies, straight ────┤   web2 .253 ├ arp_ignore=1
#                                                                                            └── web3 .252 ┘ arp_announce=2
# Nothing is joined to the root namespace: every packet stays inside the lab.
#
# Usage: lab-ecmp.sh up N | down | status | demo N [--keep]
#   up N      the namespaces, the router (fib_multipath_hash_policy=1, a resilient nexthop group over the N
#             directors' addresses), nginx on each web (answers "webN:ADDRESS"), N directors (run-director.sh run
#             --sloppy-tcp, their PIDs in $STATE/dirI/pid, sockets $STATE/dirI/forwarder.sock) and the route keeper
#   down      the keeper, the directors (TERM, then KILL) and the webs' servers killed by PID; the namespaces deleted
#   status    the router's nexthops and each director's PID
#   demo N    up N, a few requests from the client, each director's ipvsadm -Ln, then down (kept with --keep)
# LAB_SLOPPY_TCP=0 starts the directors without --sloppy-tcp (the kernel's default), to see what that loses.
#
# The route keeper stands in for what a routing daemon with BFD does for kernel LVS behind ECMP: the moment a
# director is gone (here: its PID has exited; polled every 50 ms) its next hop is deleted from the router's group.
# The group is resilient (kernel 5.13+; a plain multipath group where it is refused): deleting a next hop moves only
# the flows that hashed to it, so the survivors keep every flow they carried.
set -euo pipefail

P=${LAB_PREFIX:-lvs-}
STATE=${LAB_STATE:-/tmp/${P}ecmp}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VIP=192.168.1.199 CLIENT_IP=172.16.0.2 ROUTER_CLIENT_SIDE=172.16.0.1 ROUTER_FRONT=10.0.0.1 ROUTER_BACK=192.168.139.1
WEBS=(web1:192.168.139.254 web2:192.168.139.253 web3:192.168.139.252)
GROUP_ID=100

ns() { ip netns exec "$P$1" "${@:2}"; }
exists() { ip netns list | awk '{print $1}' | grep -qx "$P$1"; }
offload() { ns "$1" ethtool -K "$2" gro off gso off tso off tx off rx off >/dev/null 2>&1 || true; }
directors() { cat "$STATE/directors" 2>/dev/null || echo 0; }
front_ip() { echo "10.0.0.$((10 + $1))"; }
# Whether a PID is a live process: a killed director stays a zombie until PID 1 reaps it (which may take a while in
# a container), and kill -0 still succeeds on a zombie; its state in /proc/PID/stat says Z.
alive() {
  local stat
  [ -n "$1" ] && read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

link() { # link NS_A IF_A NS_B IF_B
  local tmp="t$RANDOM$RANDOM"
  ip link add "${tmp}a" type veth peer name "${tmp}b"
  ip link set "${tmp}a" netns "$P$1"; ns "$1" ip link set "${tmp}a" name "$2"
  ip link set "${tmp}b" netns "$P$3"; ns "$3" ip link set "${tmp}b" name "$4"
  ns "$1" ip link set "$2" up; ns "$3" ip link set "$4" up
  offload "$1" "$2"; offload "$3" "$4"
}

http_server() { # nginx answering "NAME:ADDRESS", keeping connections open long (the lab holds them)
  local name=$1 addr=$2
  mkdir -p "$STATE/$name"
  cat >"$STATE/$name/nginx.conf" <<CONF
worker_processes 1;
daemon on;
pid $STATE/$name/nginx.pid;
error_log $STATE/$name/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_timeout 600s;
  keepalive_requests 100000;
  client_body_temp_path $STATE/$name; proxy_temp_path $STATE/$name; fastcgi_temp_path $STATE/$name;
  uwsgi_temp_path $STATE/$name; scgi_temp_path $STATE/$name;
  server { listen 80 reuseport backlog=4096; location / { return 200 "$name:$addr\n"; } }
}
CONF
  ns "$name" nginx -c "$STATE/$name/nginx.conf"
}

router() {
  local n=$1 i members=() key
  ns router sysctl -qw net.ipv4.ip_forward=1
  # The L4 hash: source and destination address and port and the protocol pick the next hop.
  ns router sysctl -qw net.ipv4.fib_multipath_hash_policy=1
  # Replies come back on br-back from the VIP, whose route points to br-front: no reverse-path filter.
  for key in all default c0 br-front br-back; do ns router sysctl -qw "net.ipv4.conf.$key.rp_filter=0"; done
  for key in all br-back; do ns router sysctl -qw "net.ipv4.conf.$key.send_redirects=0"; done
  for ((i = 1; i <= n; i++)); do
    ns router ip nexthop add id "$i" via "$(front_ip "$i")" dev br-front
    members+=("$i")
  done
  local group
  group=$(IFS=/; echo "${members[*]}")
  if ns router ip nexthop add id $GROUP_ID group "$group" type resilient buckets 128 2>/dev/null; then
    echo resilient >"$STATE/group-type"
  else
    ns router ip nexthop add id $GROUP_ID group "$group"
    echo multipath >"$STATE/group-type"
  fi
  ns router ip route add "$VIP/32" nhid $GROUP_ID
}

start_director() { # start_director I
  local i=$1 dir="$STATE/dir$1"
  mkdir -p "$dir"
  cat >"$dir/rules" <<RULES
-A -t $VIP:80 -s mh -b mh-port
-a -t $VIP:80 -r ${WEBS[0]#*:}:80 -g -w 1
-a -t $VIP:80 -r ${WEBS[1]#*:}:80 -g -w 1
-a -t $VIP:80 -r ${WEBS[2]#*:}:80 -g -w 1
RULES
  rm -f "$dir/forwarder.sock"
  local sloppy=(--sloppy-tcp)
  [ "${LAB_SLOPPY_TCP:-1}" = 1 ] || sloppy=()
  FORWARDER_STATE="$dir" ip netns exec "${P}dir$i" "$REPO/run-director.sh" run --public pub --private priv \
    "${sloppy[@]}" --socket "$dir/forwarder.sock" --rules "$dir/rules" >"$dir/director.log" 2>&1 </dev/null &
  echo $! >"$dir/pid"
}

# Polls every 50 ms; deletes the next hop of each director whose process has ended. Ends with the lab (its state
# directory gone) or after LAB_KEEPER_SECONDS (a day by default): never an endless loop.
keeper() {
  local n i pid rounds=$(( ${LAB_KEEPER_SECONDS:-86400} * 20 ))
  n=$(directors)
  local -a live
  for ((i = 1; i <= n; i++)); do live[i]=1; done
  while [ "$rounds" -gt 0 ] && [ -d "$STATE" ]; do
    for ((i = 1; i <= n; i++)); do
      [ "${live[i]}" -eq 1 ] || continue
      pid=$(cat "$STATE/dir$i/pid" 2>/dev/null) || pid=""
      if ! alive "$pid"; then
        ns router ip nexthop del id "$i" 2>/dev/null || true
        live[i]=0
        echo "$(date +%s.%N) director $i (pid ${pid:-?}) gone: next hop $(front_ip "$i") deleted"
      fi
    done
    sleep 0.05
    rounds=$((rounds - 1))
  done
}

up() {
  local n=${1:?up N: the number of directors}
  [[ "$n" =~ ^[1-9][0-9]?$ ]] || { echo "up: N is a number of directors from 1 to 99, not $n" >&2; return 2; }
  exists router && { echo "lab already up (prefix $P)"; return 0; }
  mkdir -p "$STATE"
  echo "$n" >"$STATE/directors"
  local hosts=(client router) i w name addr
  for ((i = 1; i <= n; i++)); do hosts+=("dir$i"); done
  for w in "${WEBS[@]}"; do hosts+=("${w%%:*}"); done
  for name in "${hosts[@]}"; do ip netns add "$P$name"; ns "$name" ip link set lo up; done
  ns router ip link add br-front type bridge; ns router ip link set br-front up
  ns router ip link add br-back type bridge; ns router ip link set br-back up
  ns router ip addr add $ROUTER_FRONT/24 dev br-front
  ns router ip addr add $ROUTER_BACK/24 dev br-back
  link client c0 router c0
  ns client ip addr add $CLIENT_IP/24 dev c0
  ns client ip route add default via $ROUTER_CLIENT_SIDE
  ns router ip addr add $ROUTER_CLIENT_SIDE/24 dev c0
  for ((i = 1; i <= n; i++)); do
    link "dir$i" pub router "f-dir$i"; ns router ip link set "f-dir$i" master br-front
    link "dir$i" priv router "b-dir$i"; ns router ip link set "b-dir$i" master br-back
    ns "dir$i" ip addr add "$(front_ip "$i")/24" dev pub
    ns "dir$i" ip addr add "192.168.139.$((10 + i))/24" dev priv
    ns "dir$i" ip route add default via $ROUTER_FRONT
  done
  for w in "${WEBS[@]}"; do
    name=${w%%:*} addr=${w#*:}
    link "$name" eth0 router "b-$name"; ns router ip link set "b-$name" master br-back
    ns "$name" ip addr add "$addr/24" dev eth0
    ns "$name" ip route add default via $ROUTER_BACK
    # DR: the VIP on lo, never announced nor answered for on eth0.
    ns "$name" ip addr add "$VIP/32" dev lo
    for key in all eth0; do
      ns "$name" sysctl -qw "net.ipv4.conf.$key.arp_ignore=1"
      ns "$name" sysctl -qw "net.ipv4.conf.$key.arp_announce=2"
    done
    http_server "$name" "$addr"
  done
  router "$n"
  for ((i = 1; i <= n; i++)); do start_director "$i"; done
  local tries
  for ((i = 1; i <= n; i++)); do
    for ((tries = 0; tries < 600; tries++)); do
      [ -S "$STATE/dir$i/forwarder.sock" ] && break
      alive "$(cat "$STATE/dir$i/pid")" || break
      sleep 0.1
    done
    if [ ! -S "$STATE/dir$i/forwarder.sock" ]; then
      cat "$STATE/dir$i/director.log" >&2
      echo "director $i did not start" >&2
      return 1
    fi
  done
  keeper >"$STATE/keeper.log" 2>&1 </dev/null &
  echo $! >"$STATE/keeper.pid"
  echo "lab up (prefix $P): client $CLIENT_IP, router $ROUTER_FRONT ($(cat "$STATE/group-type") group over $n directors), VIP $VIP, webs ${WEBS[*]}"
}

stop_pid() { # stop_pid PIDFILE: TERM, up to 5 s, then KILL
  local pid tries
  [ -s "$1" ] || return 0
  pid=$(cat "$1")
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((tries = 0; tries < 50; tries++)); do alive "$pid" || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

down() {
  local n i w name pid
  n=$(directors)
  stop_pid "$STATE/keeper.pid"
  for ((i = 1; i <= n; i++)); do stop_pid "$STATE/dir$i/pid"; done
  for w in "${WEBS[@]}"; do stop_pid "$STATE/${w%%:*}/nginx.pid"; done
  for name in client router $(for ((i = 1; i <= n; i++)); do echo "dir$i"; done) web1 web2 web3; do
    if exists "$name"; then
      for pid in $(ip netns pids "$P$name" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
      sleep 0.1
      for pid in $(ip netns pids "$P$name" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
      ip netns del "$P$name"
    fi
  done
  rm -rf "$STATE"
  echo "lab down (prefix $P)"
}

status() {
  exists router || { echo "no ECMP lab (prefix $P)"; return 0; }
  ns router ip nexthop show
  local n i
  n=$(directors)
  for ((i = 1; i <= n; i++)); do
    local pid
    pid=$(cat "$STATE/dir$i/pid" 2>/dev/null || echo "?")
    if alive "$pid"; then echo "dir$i $(front_ip "$i") pid $pid"; else echo "dir$i $(front_ip "$i") gone (pid $pid)"; fi
  done
}

demo() {
  local n=${1:?demo N} keep=0 i
  [ "${2:-}" = --keep ] && keep=1
  down >/dev/null 2>&1 || true
  [ "$keep" -eq 1 ] || trap 'down >/dev/null' EXIT
  up "$n"
  echo "# ten requests from the client, each a new flow hashed by the router to a director, by mh to a web"
  for i in $(seq 10); do ns client curl -s -m 5 "http://$VIP/" || echo "(no answer)"; done
  for ((i = 1; i <= n; i++)); do
    echo "# dir$i: ipvsadm -Ln"
    "$REPO/run-director.sh" ipvsadm --socket "$STATE/dir$i/forwarder.sock" -Ln
  done
  if [ "$keep" -eq 1 ]; then
    echo "# lab kept: LAB_PREFIX=$P src/lab/lab-ecmp.sh status | down; kill -9 \$(cat $STATE/dir1/pid) to lose a director"
  fi
}

case "${1:-}" in
  up) up "${2:-}" ;; down) down ;; status) status ;; demo) demo "${2:-}" "${3:-}" ;;
  *) sed -n '2,${/^#/!q;s/^# \{0,1\}//;p}' "$0" >&2; exit 2 ;;
esac
