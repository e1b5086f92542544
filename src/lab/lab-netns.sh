#!/usr/bin/env bash
# The seed guide's NAT lab in network namespaces on one machine, for Forwarder's user-space director.
#
#   client 192.168.1.106 ──veth── eth2 [director] eth1 ──veth── bridge (lan) ──┬── web1 192.168.139.254
#                        192.168.1.113 (VIP .199)   192.168.139.142            ├── web2 192.168.139.253
#                                                                              └── web3 192.168.139.252
# and IPv6 beside IPv4 (documentation prefixes, the same last numbers):
#   client 2001:db8::106/64, director 2001:db8::113/64 (VIP 2001:db8::199) and 2001:db8:139::142/64,
#   web1-3 2001:db8:139::254, ::253, ::252, their default route via 2001:db8:139::142
# Every IPv6 address is nodad (usable at once, no Duplicate Address Detection wait).
# Nothing is joined to the root namespace: every packet stays inside the lab.
#
# Usage: lab-netns.sh up | down | status | mode nat|dr | udp-echo
#   up        namespaces, veths (offloads off), addresses, an HTTP server "webN:ADDRESS" on each web (over
#             IPv6 "webN:IPV6ADDRESS"), iperf3 -s on web1; the webs route via the director (NAT)
#   mode dr   the webs hold the VIPs on lo (arp_ignore=1, arp_announce=2; the IPv6 VIP as a /128) and route
#             via the client side
#   mode nat  back to NAT: the VIPs, the routes, the client's second leg and the sysctls of dr undone
#   udp-echo  a small UDP echo server on port 7 of each web, IPv4 and IPv6 (answers "webN:ADDRESS:<payload>")
#   down      kill the lab's processes by PID, delete its namespaces
# Run a command in a host:  ip netns exec ${LAB_PREFIX}client curl -s http://192.168.1.199/
set -euo pipefail

P=${LAB_PREFIX:-lvs-}
STATE=${LAB_STATE:-/tmp/${P}lab}
CLIENT_IP=192.168.1.106 PUB_IP=192.168.1.113 VIP=${LAB_VIP:-192.168.1.199} PRIV_IP=192.168.139.142
WEBS=(web1:192.168.139.254 web2:192.168.139.253 web3:192.168.139.252)
CLIENT_IP6=2001:db8::106 PUB_IP6=2001:db8::113 VIP6=${LAB_VIP6:-2001:db8::199} PRIV_IP6=2001:db8:139::142
# The IPv6 address of each web: the same last number as its IPv4 one, in 2001:db8:139::/64.
web_ip6() { echo "2001:db8:139::${1##*.}"; }

ns() { ip netns exec "$P$1" "${@:2}"; }
exists() { ip netns list | awk '{print $1}' | grep -qx "$P$1"; }
# libpcap must see whole, checksummed frames: no GRO/TSO/checksum offload on any veth of the lab.
offload() { ns "$1" ethtool -K "$2" gro off gso off tso off tx off rx off >/dev/null 2>&1 || true; }

link() { # link NS_A IF_A NS_B IF_B
  local tmp="t$RANDOM$RANDOM"
  ip link add "${tmp}a" type veth peer name "${tmp}b"
  ip link set "${tmp}a" netns "$P$1"; ns "$1" ip link set "${tmp}a" name "$2"
  ip link set "${tmp}b" netns "$P$3"; ns "$3" ip link set "${tmp}b" name "$4"
  ns "$1" ip link set "$2" up; ns "$3" ip link set "$4" up
  offload "$1" "$2"; offload "$3" "$4"
}

http_server() { # a tiny HTTP server answering "NAME:ADDRESS" (over IPv6 "NAME:IPV6ADDRESS"), one per web, its PID recorded
  local name=$1 addr=$2 addr6=$3
  cat >"$STATE/$name/nginx.conf" <<CONF
worker_processes 1;
daemon on;
pid $STATE/$name/nginx.pid;
error_log $STATE/$name/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $STATE/$name; proxy_temp_path $STATE/$name; fastcgi_temp_path $STATE/$name;
  uwsgi_temp_path $STATE/$name; scgi_temp_path $STATE/$name;
  server { listen 80 reuseport backlog=4096; location / { return 200 "$name:$addr\n"; } }
  server { listen [::]:80 ipv6only=on reuseport backlog=4096; location / { return 200 "$name:$addr6\n"; } }
}
CONF
  ns "$name" nginx -c "$STATE/$name/nginx.conf"
}

up() {
  exists director && { echo "lab already up (prefix $P)"; return 0; }
  mkdir -p "$STATE"
  for n in client director lan web1 web2 web3; do ip netns add "$P$n"; ns $n ip link set lo up; done
  link client eth0 director eth2
  link director eth1 lan d-eth1
  ns lan ip link add br0 type bridge; ns lan ip link set br0 up; ns lan ip link set d-eth1 master br0
  ns client ip addr add $CLIENT_IP/24 dev eth0
  ns client ip -6 addr add $CLIENT_IP6/64 dev eth0 nodad
  ns director ip addr add $PUB_IP/24 dev eth2
  ns director ip -6 addr add $PUB_IP6/64 dev eth2 nodad
  ns director ip addr add $PRIV_IP/24 dev eth1
  ns director ip -6 addr add $PRIV_IP6/64 dev eth1 nodad
  for w in "${WEBS[@]}"; do
    local name=${w%%:*} addr=${w#*:} addr6
    addr6=$(web_ip6 "$addr")
    link "$name" eth0 lan "p-$name"; ns lan ip link set "p-$name" master br0
    ns "$name" ip addr add "$addr/24" dev eth0
    ns "$name" ip -6 addr add "$addr6/64" dev eth0 nodad
    ns "$name" ip route add default via $PRIV_IP
    ns "$name" ip -6 route add default via $PRIV_IP6
    mkdir -p "$STATE/$name"
    http_server "$name" "$addr" "$addr6"
  done
  ns web1 iperf3 -s -B "${WEBS[0]#*:}" -D --pidfile "$STATE/web1/iperf3.pid" --logfile "$STATE/web1/iperf3.log"
  echo "lab up (prefix $P): client $CLIENT_IP, director $PUB_IP/$PRIV_IP, VIP $VIP, webs ${WEBS[*]}"
  echo "  IPv6: client $CLIENT_IP6, director $PUB_IP6/$PRIV_IP6, VIP $VIP6, webs $(for w in "${WEBS[@]}"; do printf '%s ' "$(web_ip6 "${w#*:}")"; done)"
}

# A lab sysctl changed by a mode, its old value kept in $STATE/mode-undo so that the other mode puts it back.
mode_sysctl() { # mode_sysctl HOST KEY VALUE
  local old
  old=$(ns "$1" sysctl -n "$2")
  grep -q "^$1 $2 " "$STATE/mode-undo" 2>/dev/null || echo "$1 $2 $old" >>"$STATE/mode-undo"
  ns "$1" sysctl -qw "$2=$3"
}

# Each mode undoes the other's setup first: a lab switched dr -> nat is the NAT lab `up` built.
mode() {
  case "$1" in
    dr) mode_nat_undo_dr; mode_dr ;;
    nat) mode_nat_undo_dr ;;
    *) echo "mode: nat or dr, not $1" >&2; return 2 ;;
  esac
  echo "lab mode $1"
}

# DR: the webs hold the VIP on lo (arp_ignore=1, arp_announce=2) and answer the client straight; in this lab
# the client side is reached through a second leg of the bridge, so the director never sees the replies.
# IPv6 needs no such sysctls: Linux answers a Neighbour Solicitation only for an address of the interface it came
# in on (ndisc's strict look-up), so the VIP as a /128 on lo is never claimed on eth0, while packets to it that
# arrive on eth0 are still taken as local (the local routing table holds it for every device); and a web's own
# solicitations on eth0 take their source from eth0's addresses, never lo's VIP (what arp_announce=2 does for IPv4).
mode_dr() {
  local w name key
  for w in "${WEBS[@]}"; do
    name=${w%%:*}
    ns "$name" ip addr replace "$VIP/32" dev lo
    ns "$name" ip -6 addr replace "$VIP6/128" dev lo nodad
    for key in net.ipv4.conf.all.arp_ignore net.ipv4.conf.eth0.arp_ignore; do mode_sysctl "$name" "$key" 1; done
    for key in net.ipv4.conf.all.arp_announce net.ipv4.conf.eth0.arp_announce; do mode_sysctl "$name" "$key" 2; done
  done
  link client eth1 lan c-eth1; ns lan ip link set c-eth1 master br0
  ns client ip addr add 192.168.139.200/24 dev eth1
  ns client ip -6 addr add 2001:db8:139::200/64 dev eth1 nodad
  for w in "${WEBS[@]}"; do
    ns "${w%%:*}" ip route replace 192.168.1.0/24 via 192.168.139.200
    ns "${w%%:*}" ip -6 route replace 2001:db8::/64 via 2001:db8:139::200
  done
  for key in net.ipv4.conf.all.rp_filter net.ipv4.conf.eth1.rp_filter net.ipv4.conf.eth0.rp_filter; do mode_sysctl client "$key" 0; done
}

# NAT, as `up` leaves it: no VIP on the webs, their replies routed via the director, no second client leg,
# and every sysctl a DR switch changed back to what it was.
mode_nat_undo_dr() {
  local w name host key value
  for w in "${WEBS[@]}"; do
    name=${w%%:*}
    ns "$name" ip addr del "$VIP/32" dev lo 2>/dev/null || true
    ns "$name" ip -6 addr del "$VIP6/128" dev lo 2>/dev/null || true
    ns "$name" ip route del 192.168.1.0/24 via 192.168.139.200 2>/dev/null || true
    ns "$name" ip -6 route del 2001:db8::/64 via 2001:db8:139::200 2>/dev/null || true
  done
  # Deleting the client's end of the veth deletes the bridge's end with it.
  if ns client ip link show eth1 >/dev/null 2>&1; then ns client ip link del eth1; fi
  if [ -f "$STATE/mode-undo" ]; then
    while read -r host key value; do
      ns "$host" sysctl -qw "$key=$value" 2>/dev/null || true
    done <"$STATE/mode-undo"
    rm -f "$STATE/mode-undo"
  fi
}

udp_echo() {
  for w in "${WEBS[@]}"; do
    local name=${w%%:*} addr=${w#*:} addr6
    addr6=$(web_ip6 "$addr")
    ns "$name" python3 -c "
import select, socket
four = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
four.bind(('$addr', 7))
six = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
six.bind(('$addr6', 7))
names = {four: b'$name:$addr:', six: b'$name:$addr6:'}
while True:
    for s in select.select([four, six], [], [])[0]:
        data, peer = s.recvfrom(2048)
        s.sendto(names[s] + data, peer)
" >/dev/null 2>&1 &
    echo $! >"$STATE/$name/udp-echo.pid"
  done
}

down() {
  for w in "${WEBS[@]}"; do
    local name=${w%%:*}
    for f in "$STATE/$name/nginx.pid" "$STATE/$name/iperf3.pid" "$STATE/$name/udp-echo.pid"; do
      [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
    done
  done
  for n in client director lan web1 web2 web3; do
    if exists $n; then
      for pid in $(ip netns pids "$P$n" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
      sleep 0.1
      for pid in $(ip netns pids "$P$n" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
      ip netns del "$P$n"
    fi
  done
  rm -rf "$STATE"
  echo "lab down (prefix $P)"
}

status() { ip netns list | grep "^$P" || echo "no lab (prefix $P)"; }

case "${1:-}" in
  up) up ;; down) down ;; status) status ;; mode) mode "${2:?nat or dr}" ;; udp-echo) udp_echo ;;
  *) sed -n '2,${/^#/!q;s/^# \{0,1\}//;p}' "$0" >&2; exit 2 ;;
esac
