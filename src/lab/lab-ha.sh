#!/usr/bin/env bash
# Two of Forwarder's directors as a VRRP pair, in network namespaces on one machine: the seed's NAT lab with a second
# director on the same client-side and server-side segments, keepalived's VRRP (Debian's keepalived, unchanged) in
# each director's namespace moving the VIP and the real servers' gateway address between them, and a link of their
# own for connection sync.
#
#   client 192.168.1.106 ── pub (bridge) ──┬── eth2 [dir1] eth1 ──┬── lan (bridge) ──┬── web1 192.168.139.254
#                                          │  .113    sync0   .143 │                  ├── web2 192.168.139.253
#                                          │        10.99.0.1|     │                  └── web3 192.168.139.252
#                                          │        10.99.0.2|     │
#                                          └── eth2 [dir2] eth1 ───┘
#                                             .114    sync0   .144
#   VIP 192.168.1.199 and the webs' gateway 192.168.139.142 belong to neither kernel: the director that keepalived makes
#   MASTER answers ARP for them (run --vips-owned none, then `vip take` from notify_master) and announces them.
#
# Usage: lab-ha.sh up | down | status | vrrp DIR PRIORITY | vrrp-stop DIR | demo [--keep]
#   up             namespaces, bridges, veths (offloads off), addresses, nginx "webN:ADDRESS" on each web, the webs
#                  routed via 192.168.139.142; no director runs yet (start them with run-director.sh run
#                  --public eth2 --private eth1 --vips-owned none, FORWARDER_STATE=$LAB_STATE/DIR)
#   vrrp DIR PRIO  writes DIR's keepalived.conf and its notify and check scripts into $LAB_STATE/DIR and starts
#                  keepalived (VRRP only) in DIR's namespace; FORWARDER_DLL, if set, is passed on to the scripts
#   vrrp-stop DIR  stops DIR's keepalived (by its PIDs)
#   down           kill the lab's processes by PID, delete its namespaces
#   demo [--keep]  what `run-director.sh lab --ha` shows: up, both directors (run-director.sh run --vips-owned none,
#                  the seed's NAT rules), both sync daemons on both (sync0), keepalived on both (dir1 priority 150,
#                  dir2 100), the seed's client loop through the MASTER, then each director's addresses and tables;
#                  torn down at the end unless --keep
set -euo pipefail

P=${LAB_PREFIX:-lvsha-}
STATE=${LAB_STATE:-/tmp/${P}lab}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CLIENT_IP=192.168.1.106 VIP=${LAB_VIP:-192.168.1.199} GATEWAY=192.168.139.142
declare -A PUB=([dir1]=192.168.1.113 [dir2]=192.168.1.114)
declare -A PRIV=([dir1]=192.168.139.143 [dir2]=192.168.139.144)
declare -A SYNC=([dir1]=10.99.0.1 [dir2]=10.99.0.2)
WEBS=(web1:192.168.139.254 web2:192.168.139.253 web3:192.168.139.252)
HOSTS=(client pub lan dir1 dir2 web1 web2 web3)

ns() { ip netns exec "$P$1" "${@:2}"; }
exec_ns() { exec ip netns exec "$P$1" "${@:2}"; }
exists() { ip netns list | awk '{print $1}' | grep -qx "$P$1"; }
offload() { ns "$1" ethtool -K "$2" gro off gso off tso off tx off rx off >/dev/null 2>&1 || true; }

link() { # link NS_A IF_A NS_B IF_B
  local tmp="t$RANDOM$RANDOM"
  ip link add "${tmp}a" type veth peer name "${tmp}b"
  ip link set "${tmp}a" netns "$P$1"; ns "$1" ip link set "${tmp}a" name "$2"
  ip link set "${tmp}b" netns "$P$3"; ns "$3" ip link set "${tmp}b" name "$4"
  ns "$1" ip link set "$2" up; ns "$3" ip link set "$4" up
  offload "$1" "$2"; offload "$3" "$4"
}

bridge_port() { link "$1" "$2" "$3" "$4"; ns "$3" ip link set "$4" master br0; } # bridge_port NS IF BRIDGE_NS PORT

http_server() {
  local name=$1 addr=$2
  cat >"$STATE/$name/nginx.conf" <<CONF
worker_processes 1;
daemon on;
pid $STATE/$name/nginx.pid;
error_log $STATE/$name/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_timeout 300s;
  keepalive_requests 100000;
  client_body_temp_path $STATE/$name; proxy_temp_path $STATE/$name; fastcgi_temp_path $STATE/$name;
  uwsgi_temp_path $STATE/$name; scgi_temp_path $STATE/$name;
  server { listen 80 reuseport backlog=4096; location / { return 200 "$name:$addr\n"; } }
}
CONF
  ns "$name" nginx -c "$STATE/$name/nginx.conf"
}

up() {
  exists dir1 && { echo "HA lab already up (prefix $P)"; return 0; }
  mkdir -p "$STATE"
  local n
  for n in "${HOSTS[@]}"; do ip netns add "$P$n"; ns "$n" ip link set lo up; done
  for n in pub lan; do ns $n ip link add br0 type bridge; ns $n ip link set br0 up; done
  bridge_port client eth0 pub p-client
  ns client ip addr add $CLIENT_IP/24 dev eth0
  for n in dir1 dir2; do
    mkdir -p "$STATE/$n"
    bridge_port "$n" eth2 pub "p-$n"
    bridge_port "$n" eth1 lan "l-$n"
    ns "$n" ip addr add "${PUB[$n]}/24" dev eth2
    ns "$n" ip addr add "${PRIV[$n]}/24" dev eth1
  done
  link dir1 sync0 dir2 sync0
  for n in dir1 dir2; do ns "$n" ip addr add "${SYNC[$n]}/24" dev sync0; done
  local w name addr
  for w in "${WEBS[@]}"; do
    name=${w%%:*} addr=${w#*:}
    bridge_port "$name" eth0 lan "p-$name"
    ns "$name" ip addr add "$addr/24" dev eth0
    ns "$name" ip route add default via $GATEWAY
    mkdir -p "$STATE/$name"
    http_server "$name" "$addr"
  done
  echo "HA lab up (prefix $P): client $CLIENT_IP; dir1 ${PUB[dir1]}/${PRIV[dir1]}, dir2 ${PUB[dir2]}/${PRIV[dir2]}, sync on sync0; VIP $VIP, gateway $GATEWAY; webs ${WEBS[*]}"
}

# keepalived.conf for one director, and the scripts it runs, all in $STATE/DIR. VRRP advertises on eth2 from the
# director's own address; virtual_ipaddress stays empty, so the kernel never holds the VIP (it would answer every
# connection to it with a RST): the notify scripts move the addresses in the director instead.
vrrp_conf() {
  local dir=$1 priority=$2 d="$STATE/$1"
  local env="export FORWARDER_STATE='$d' FORWARDER_SOCKET='$d/forwarder.sock'"
  [ -n "${FORWARDER_DLL:-}" ] && env="$env FORWARDER_DLL='$FORWARDER_DLL'"
  # Each script is written aside and renamed into place: a check still running from an earlier keepalived may be
  # executing the old file, and writing over a file being executed fails (ETXTBSY).
  cat >"$d/notify.sh.new" <<SCRIPT
#!/bin/sh
# keepalived's notify_master / notify_backup / notify_fault for $dir: the VIP and the webs' gateway move with MASTER.
$env
echo "\$(date +%s.%N) \$1" >>'$d/vrrp-transitions'
case "\$1" in
  master) '$here/run-director.sh' vip take $VIP $GATEWAY ;;
  *) '$here/run-director.sh' vip release $VIP $GATEWAY ;;
esac
status=\$?
echo "\$(date +%s.%N) \$1 done (\$status)" >>'$d/vrrp-transitions'
exit \$status
SCRIPT
  cat >"$d/alive.sh.new" <<SCRIPT
#!/bin/sh
# keepalived's vrrp_script for $dir: fails as soon as the director is gone (killed outright too), so VRRP fails over.
$env
exec '$here/run-director.sh' alive
SCRIPT
  chmod 755 "$d/notify.sh.new" "$d/alive.sh.new"
  mv -f "$d/notify.sh.new" "$d/notify.sh"
  mv -f "$d/alive.sh.new" "$d/alive.sh"
  cat >"$d/keepalived.conf" <<CONF
global_defs {
  router_id forwarder_$dir
  script_user root
}
vrrp_script director_alive {
  script "$d/alive.sh"
  interval 1
  fall 1
  rise 2
}
vrrp_instance forwarder {
  state BACKUP
  nopreempt
  interface eth2
  virtual_router_id 51
  priority $priority
  advert_int 1
  track_script {
    director_alive
  }
  notify_master "$d/notify.sh master"
  notify_backup "$d/notify.sh backup"
  notify_fault "$d/notify.sh fault"
}
CONF
}

vrrp() {
  local dir=${1:?dir1 or dir2} priority=${2:?priority} d="$STATE/${1:-}"
  exists "$dir" || { echo "no HA lab (prefix $P)" >&2; return 1; }
  vrrp_conf "$dir" "$priority"
  # exec: $! is then keepalived's main process itself, not a subshell that would leave it behind when killed.
  exec_ns "$dir" keepalived --dont-fork --log-console --log-detail --no-syslog --vrrp --use-file "$d/keepalived.conf" \
    --pid "$d/keepalived-main.pid" --vrrp_pid "$d/keepalived-vrrp.pid" >"$d/keepalived.log" 2>&1 &
  echo $! >"$d/keepalived.pid"
  echo "keepalived up in $dir (priority $priority, log $d/keepalived.log)"
}

vrrp_stop() {
  local d="$STATE/${1:?dir1 or dir2}" pids=() f pid alive
  [ -s "$d/keepalived.pid" ] || return 0
  # The process started, and the main and VRRP processes keepalived recorded: killing the VRRP child alone has
  # the main process start another.
  for f in "$d/keepalived.pid" "$d/keepalived-main.pid" "$d/keepalived-vrrp.pid"; do
    [ -s "$f" ] && pids+=("$(cat "$f")")
  done
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 50); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  kill -9 "${pids[@]}" 2>/dev/null || true
  rm -f "$d/keepalived.pid" "$d/keepalived-main.pid" "$d/keepalived-vrrp.pid"
}

down() {
  local n w pid
  for n in dir1 dir2; do [ -d "$STATE/$n" ] && vrrp_stop "$n"; done
  for w in "${WEBS[@]}"; do
    [ -s "$STATE/${w%%:*}/nginx.pid" ] && kill "$(cat "$STATE/${w%%:*}/nginx.pid")" 2>/dev/null || true
  done
  for n in "${HOSTS[@]}"; do
    if exists "$n"; then
      # run-director.sh's one-director-per-namespace lock goes with the namespace.
      case "$n" in dir1 | dir2) rm -f "/run/lock/forwarder-net-$(ns "$n" readlink /proc/self/ns/net | tr -dc 0-9).lock" ;; esac
      for pid in $(ip netns pids "$P$n" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
      sleep 0.1
      for pid in $(ip netns pids "$P$n" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
      ip netns del "$P$n"
    fi
  done
  rm -rf "$STATE"
  echo "HA lab down (prefix $P)"
}

# The directors `demo` started, stopped by their PIDs (SIGTERM: each watcher restores its namespace's host).
demo_stop() {
  local n pid
  for n in dir1 dir2; do
    vrrp_stop "$n"
    [ -s "$STATE/$n/director.lab-pid" ] || continue
    pid=$(cat "$STATE/$n/director.lab-pid")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  down
}

demo() {
  local keep=0 n role pid
  [ "${1:-}" = --keep ] && keep=1
  down >/dev/null 2>&1 || true
  up
  cat >"$STATE/rules" <<'RULES'
-A -t 192.168.1.199:80 -s rr
-a -t 192.168.1.199:80 -r 192.168.139.254:80 -m
-a -t 192.168.1.199:80 -r 192.168.139.253:80 -m
-a -t 192.168.1.199:80 -r 192.168.139.252:80 -m
RULES
  [ "$keep" -eq 1 ] || trap demo_stop EXIT
  for n in dir1 dir2; do
    FORWARDER_STATE="$STATE/$n" ip netns exec "$P$n" "$here/run-director.sh" run --public eth2 --private eth1 \
      --socket "$STATE/$n/forwarder.sock" --rules "$STATE/rules" --vips-owned none >"$STATE/$n/director.log" 2>&1 &
    echo $! >"$STATE/$n/director.lab-pid"
  done
  for n in dir1 dir2; do
    for _ in $(seq 300); do [ -S "$STATE/$n/forwarder.sock" ] && break; sleep 0.1; done
    [ -S "$STATE/$n/forwarder.sock" ] || { cat "$STATE/$n/director.log" >&2; echo "the $n director did not start" >&2; return 1; }
    for role in master backup; do
      FORWARDER_SOCKET="$STATE/$n/forwarder.sock" "$here/run-director.sh" ipvsadm --start-daemon $role --mcast-interface sync0 --syncid 51
    done
  done
  echo "# directors up, owning nothing (--vips-owned none); sync daemons master and backup on both (sync0, syncid 51)"
  vrrp dir1 150
  vrrp dir2 100
  for _ in $(seq 150); do grep -qs master "$STATE"/dir*/vrrp-transitions && break; sleep 0.1; done
  echo "# keepalived's transitions:"; cat "$STATE"/dir1/vrrp-transitions "$STATE"/dir2/vrrp-transitions 2>/dev/null | sort | sed 's/^/#   /'
  echo "# the seed's client loop: GET http://$VIP/ and the time, six times"
  for _ in 1 2 3 4 5 6; do
    ns client curl -s -m 5 "http://$VIP/" || echo "(no answer)"
    date
    sleep 1
  done
  for n in dir1 dir2; do
    echo "# $n: vip list"
    FORWARDER_SOCKET="$STATE/$n/forwarder.sock" "$here/run-director.sh" vip list
    echo "# $n: ipvsadm -Lnc"
    FORWARDER_SOCKET="$STATE/$n/forwarder.sock" "$here/run-director.sh" ipvsadm -Lnc
  done
  if [ "$keep" -eq 1 ]; then
    echo "# HA lab kept: kill -9 \$(cat $STATE/dir1/director.lab-pid) fails dir1 over; LAB_PREFIX=$P $0 down to remove"
  fi
}

status() { ip netns list | grep "^$P" || echo "no HA lab (prefix $P)"; }

case "${1:-}" in
  up) up ;; down) down ;; status) status ;; vrrp) vrrp "${2:-}" "${3:-}" ;; vrrp-stop) vrrp_stop "${2:-}" ;; demo) demo "${2:-}" ;;
  *) sed -n '2,${/^#/!q;s/^# \{0,1\}//;p}' "$0" >&2; exit 2 ;;
esac
