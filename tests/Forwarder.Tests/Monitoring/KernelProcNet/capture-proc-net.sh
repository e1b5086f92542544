#!/bin/sh
# The job that captured this folder's files from the real thing: Debian 12's kernel (6.1) with ipvsadm 1.31,
# booted by the conformance guest:
#   tests/Forwarder.Conformance/guest/run-guest.sh /var/cache/forwarder-conformance capture-proc-net.sh OUT
# One director namespace (client and real-server links as the conformance suite sets them up), a table with
# every kind of service and forwarding method, a few crafted packets, then /proc/net/ip_vs* and the
# ipvsadm listings that give the same figures, each in /out.
IP=/sbin/ip
printf 'netns add d\nnetns add c\nnetns add s\n' | $IP -batch -
$IP -n d -batch - <<'BATCH'
link add cli0 address 02:00:0a:07:ff:fe type veth peer name cli1 address 02:00:0a:07:00:01 netns c
link add srv0 address 02:00:c0:a8:8b:01 type veth peer name srv1 address 02:00:c0:a8:8b:fa netns s
addr add 10.7.255.254/16 dev cli0
addr add 192.168.139.1/24 dev srv0
link set lo up
link set cli0 up
link set srv0 up
route add local 192.168.1.0/24 dev lo
BATCH
for octet in 30 31 32 33 34 35 36 37; do
  echo "neigh add 192.168.139.$octet lladdr 02:00:c0:a8:8b:$(printf %02x $octet) dev srv0 nud permanent"
done | $IP -n d -batch -
$IP netns exec d sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward; for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 >$f; done'
$IP -n c -batch - <<'BATCH'
addr add 10.7.0.1/16 dev cli1
link set lo up
link set cli1 up
neigh add 10.7.255.254 lladdr 02:00:0a:07:ff:fe dev cli1 nud permanent
route add default via 10.7.255.254
BATCH
$IP -n s -batch - <<'BATCH'
addr add 192.168.139.250/24 dev srv1
link set lo up
link set srv1 up
BATCH

ipvsadm_d() { $IP netns exec d ipvsadm "$@"; }
ipvsadm_d -A -t 192.168.1.199:80 -s rr
ipvsadm_d -a -t 192.168.1.199:80 -r 192.168.139.30:80 -m -w 1
ipvsadm_d -a -t 192.168.1.199:80 -r 192.168.139.31:8080 -m -w 3
ipvsadm_d -A -u 192.168.1.199:53 -s wrr
ipvsadm_d -a -u 192.168.1.199:53 -r 192.168.139.32:53 -m -w 2
ipvsadm_d -A -t 192.168.1.200:443 -s sh -p 300 -M 255.255.255.0
ipvsadm_d -a -t 192.168.1.200:443 -r 192.168.139.33:443 -g -w 1
ipvsadm_d -a -t 192.168.1.200:443 -r 192.168.139.34:443 -i -w 0
ipvsadm_d -A -u 192.168.1.201:5000 -s rr -o
ipvsadm_d -a -u 192.168.1.201:5000 -r 192.168.139.35:5000 -m
ipvsadm_d -A -f 5 -s lc
ipvsadm_d -a -f 5 -r 192.168.139.36:0 -g
ipvsadm_d -A --sctp-service 192.168.1.202:9000 -s rr
ipvsadm_d -a --sctp-service 192.168.1.202:9000 -r 192.168.139.37:9000 -m
ipvsadm_d -A -t 192.168.1.199:22 -s lc -p
ipvsadm_d -a -t 192.168.1.199:22 -r 192.168.139.30:22 -m -x 100 -y 10

$IP netns exec c /usr/local/bin/packet-sender <<'PACKETS'
tcp 10.7.0.1 40000 192.168.1.199 80 S
tcp 10.7.0.1 40001 192.168.1.199 80 S
tcp 10.7.0.2 40002 192.168.1.199 80 S
tcp 10.7.0.1 40000 192.168.1.199 80 A
udp 10.7.0.1 41000 192.168.1.199 53
udp 10.7.0.1 41000 192.168.1.199 53
tcp 10.7.0.9 42000 192.168.1.200 443 S
udp 10.7.0.1 43000 192.168.1.201 5000
tcp 10.7.0.3 44000 192.168.1.199 22 S
tcp 10.7.0.3 44000 192.168.1.199 22 R
PACKETS

capture() {
  for f in ip_vs ip_vs_stats ip_vs_stats_percpu ip_vs_conn ip_vs_conn_sync; do
    $IP netns exec d cat /proc/net/$f >/out/$1$f
  done
}
capture ""
ipvsadm_d -Ln >/out/ipvsadm-Ln
ipvsadm_d -Ln --stats --exact >/out/ipvsadm-Ln-stats
ipvsadm_d -Lnc >/out/ipvsadm-Lnc
ipvsadm_d -Lnc --persistent-conn >/out/ipvsadm-Lnc-persistent
# The rate estimator runs every two seconds: a second capture shows its figures in the stats files.
sleep 5
capture "later-"
ipvsadm_d -Ln --rate --exact >/out/later-ipvsadm-Ln-rate
# The empty table's files, for the file an idle director writes.
ipvsadm_d -C
capture "empty-"
nproc >/out/nproc
