/*
 * The conformance guest's window on IPVS connection sync: receives the datagrams a sync master sends
 * to a multicast group and writes each as one line of hex, or sends datagrams given as hex lines to
 * a group, as a master would, for a sync backup to read.
 *
 *   sync-tap recv INTERFACE GROUP PORT SECONDS     (hex lines on stdout until SECONDS have passed)
 *   sync-tap send INTERFACE GROUP PORT             (one datagram per hex line on stdin)
 *
 * Exits 1 naming what failed.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int fail(const char *what)
{
	perror(what);
	return 1;
}

static long milliseconds(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec * 1000L + now.tv_nsec / 1000000L;
}

static int receive(int sock, const char *interface, struct in_addr group, unsigned port, int seconds)
{
	int yes = 1;
	setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
	if (setsockopt(sock, SOL_SOCKET, SO_BINDTODEVICE, interface, strlen(interface)) < 0)
		return fail("SO_BINDTODEVICE");
	struct sockaddr_in local = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr = group };
	if (bind(sock, (struct sockaddr *)&local, sizeof(local)) < 0)
		return fail("bind");
	struct ip_mreqn join = { .imr_multiaddr = group, .imr_ifindex = (int)if_nametoindex(interface) };
	if (setsockopt(sock, IPPROTO_IP, IP_ADD_MEMBERSHIP, &join, sizeof(join)) < 0)
		return fail("IP_ADD_MEMBERSHIP");
	long deadline = milliseconds() + seconds * 1000L;
	unsigned char buffer[65536];
	for (long left; (left = deadline - milliseconds()) > 0;) {
		struct pollfd ready = { .fd = sock, .events = POLLIN };
		if (poll(&ready, 1, (int)left) <= 0)
			continue;
		ssize_t length = recv(sock, buffer, sizeof(buffer), 0);
		if (length < 0)
			return fail("recv");
		for (ssize_t i = 0; i < length; i++)
			printf("%02x", buffer[i]);
		printf("\n");
		fflush(stdout);
	}
	return 0;
}

static int send_lines(int sock, const char *interface, struct in_addr group, unsigned port)
{
	struct ip_mreqn out = { .imr_ifindex = (int)if_nametoindex(interface) };
	if (setsockopt(sock, IPPROTO_IP, IP_MULTICAST_IF, &out, sizeof(out)) < 0)
		return fail("IP_MULTICAST_IF");
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr = group };
	static char line[140000];
	unsigned char datagram[65536];
	while (fgets(line, sizeof(line), stdin)) {
		size_t length = 0;
		for (char *p = line; p[0] && p[1] && p[0] != '\n' && length < sizeof(datagram); p += 2) {
			unsigned byte;
			if (sscanf(p, "%2x", &byte) != 1)
				break;
			datagram[length++] = (unsigned char)byte;
		}
		if (length && sendto(sock, datagram, length, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			return fail("sendto");
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct in_addr group;
	if (argc < 5 || !inet_aton(argv[3], &group)) {
		fprintf(stderr, "usage: sync-tap recv|send INTERFACE GROUP PORT [SECONDS]\n");
		return 1;
	}
	int sock = socket(AF_INET, SOCK_DGRAM, 0);
	if (sock < 0)
		return fail("socket");
	if (strcmp(argv[1], "recv") == 0 && argc == 6)
		return receive(sock, argv[2], group, (unsigned)atoi(argv[4]), atoi(argv[5]));
	if (strcmp(argv[1], "send") == 0)
		return send_lines(sock, argv[2], group, (unsigned)atoi(argv[4]));
	fprintf(stderr, "usage: sync-tap recv|send INTERFACE GROUP PORT [SECONDS]\n");
	return 1;
}
