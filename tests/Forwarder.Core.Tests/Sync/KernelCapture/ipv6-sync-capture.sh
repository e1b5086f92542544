#!/bin/sh
# Run with ../shared/kernel-oracle: gcc -static -o v6tap v6tap.c; gcc -static -o v6send v6send.c;
#   run-in-kernel.sh -i v6tap -i v6send ipv6-sync-capture.sh   (KernelIpv6SyncBytes holds what it printed)
# A UDP NAT service over IPv6 with persistence; the sync master on an IPv6 group; the message captured.
set -e
for f in all default; do echo 0 > /proc/sys/net/ipv6/conf/$f/accept_dad; done
echo 1 > /proc/sys/net/ipv6/conf/all/forwarding
ip link set lo up
ip netns add cl; ip netns add rs; ip netns add tap
ip link add cl0 type veth peer name eth0 netns cl
ip link add rs0 type veth peer name eth0 netns rs
ip link add sync0 type veth peer name sync1 netns tap
for i in cl0 rs0 sync0; do ip link set $i up; done
for n in cl rs tap; do ip -n $n link set lo up; done
ip -n cl link set eth0 up; ip -n rs link set eth0 up; ip -n tap link set sync1 up
ip -6 addr add 2001:db8::1/64 dev cl0 nodad
ip -6 addr add 2001:db8::10/64 dev cl0 nodad
ip -6 addr add 2001:db8:139::1/64 dev rs0 nodad
ip -n cl -6 addr add 2001:db8::50/64 dev eth0 nodad
ip -n cl -6 route add default via 2001:db8::1
ip -n rs -6 addr add 2001:db8:139::11/64 dev eth0 nodad
ip -n rs -6 route add default via 2001:db8:139::1
ipvsadm -A -u [2001:db8::10]:53 -s rr -p 300
ipvsadm -a -u [2001:db8::10]:53 -r [2001:db8:139::11]:53 -m
sleep 1
ipvsadm --start-daemon master --mcast-interface sync0 --mcast-group ff02::1:81 --syncid 9
ipvsadm -L --daemon
ip netns exec tap /in/v6tap sync1 ff02::1:81 8848 6 > /tmp/tap.out &
sleep 1
ip netns exec cl /in/v6send 40000 2001:db8::10 53 3
ipvsadm -Lnc
sleep 5
wait
echo "--- captured"
cat /tmp/tap.out
