/* Joins an IPv6 multicast group on an interface and prints each datagram received as one hex line. */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 5) { fprintf(stderr, "usage: v6tap IF GROUP PORT SECONDS\n"); return 2; }
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 at = { .sin6_family = AF_INET6, .sin6_port = htons(atoi(argv[3])) };
	inet_pton(AF_INET6, argv[2], &at.sin6_addr);
	at.sin6_scope_id = if_nametoindex(argv[1]);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&at, sizeof at) < 0) { perror("bind"); return 1; }
	struct ipv6_mreq join = { .ipv6mr_interface = if_nametoindex(argv[1]) };
	join.ipv6mr_multiaddr = at.sin6_addr;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &join, sizeof join) < 0) { perror("join"); return 1; }
	int left = atoi(argv[4]) * 10;
	unsigned char buffer[65536];
	while (left-- > 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 100) <= 0) continue;
		ssize_t n = recv(fd, buffer, sizeof buffer, 0);
		for (ssize_t i = 0; i < n; i++) printf("%02x", buffer[i]);
		printf("\n");
		fflush(stdout);
	}
	return 0;
}
