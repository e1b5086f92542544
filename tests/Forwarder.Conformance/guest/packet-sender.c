/*
 * The conformance guest's packet source: reads one packet per line on stdin and sends each, in
 * order, from a raw IPv4 or IPv6 socket with a header of its own making, so any source address and
 * port can be spoofed from inside the client's network namespace. Both addresses of a line are IPv4, or
 * both IPv6 (sent with hop limit 64, traffic class and flow label 0, no extension header).
 *
 *   tcp SOURCE SPORT DESTINATION DPORT FLAGS    FLAGS: letters of S A F R P U, or - for none
 *   udp SOURCE SPORT DESTINATION DPORT
 *
 * Each packet carries correct IP and TCP/UDP checksums (IPVS checks them before rewriting).
 * Prints nothing; exits 1 on the first line it cannot read or send, naming it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint32_t sum_words(const uint8_t *data, size_t length, uint32_t sum)
{
	for (size_t i = 0; i + 1 < length; i += 2)
		sum += (uint32_t)data[i] << 8 | data[i + 1];
	if (length & 1)
		sum += (uint32_t)data[length - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *at, uint16_t value)
{
	at[0] = value >> 8;
	at[1] = value & 0xff;
}

/* Writes the TCP or UDP header and payload at l4 and returns their length, or 0 for unknown flags. */
static size_t transport(int tcp, unsigned source_port, unsigned destination_port, const char *flags, uint8_t *l4)
{
	size_t transport_length = tcp ? 20 : 8 + 4; /* UDP carries four payload bytes */
	memset(l4, 0, transport_length);
	put16(l4, (uint16_t)source_port);
	put16(l4 + 2, (uint16_t)destination_port);
	if (tcp) {
		uint8_t bits = 0;
		for (const char *f = flags; *f; f++) {
			switch (*f) {
			case 'F': bits |= 0x01; break;
			case 'S': bits |= 0x02; break;
			case 'R': bits |= 0x04; break;
			case 'P': bits |= 0x08; break;
			case 'A': bits |= 0x10; break;
			case 'U': bits |= 0x20; break;
			case '-': break;
			default: return 0;
			}
		}
		/* A fixed sequence per flow; the ACK number is only meaningful when A is set. */
		uint32_t sequence = 1000000u + source_port;
		uint32_t acknowledgement = (bits & 0x10) ? 2000000u + destination_port : 0;
		uint32_t s = htonl(sequence), a = htonl(acknowledgement);
		memcpy(l4 + 4, &s, 4);
		memcpy(l4 + 8, &a, 4);
		l4[12] = 5 << 4;
		l4[13] = bits;
		put16(l4 + 14, 65535);
	} else {
		put16(l4 + 4, (uint16_t)transport_length);
		memcpy(l4 + 8, "conf", 4);
	}
	return transport_length;
}

/* The TCP/UDP checksum over the pseudo-header (addresses, protocol, length) and the transport bytes. */
static void checksum(int tcp, const uint8_t *addresses, size_t address_bytes, uint8_t *l4, size_t transport_length)
{
	uint32_t sum = sum_words(addresses, address_bytes, 0) + (tcp ? IPPROTO_TCP : IPPROTO_UDP) + (uint32_t)transport_length;
	uint16_t check = fold(sum_words(l4, transport_length, sum));
	if (!tcp && check == 0)
		check = 0xffff;
	put16(l4 + (tcp ? 16 : 6), check);
}

/*
 * Builds the packet into `packet` and returns its length (0 when the line is not understood); `family` tells
 * which header it has. Both addresses are IPv4, or both IPv6.
 */
static size_t build(const char *line, uint8_t *packet, int *family)
{
	char kind[8], source[64], destination[64], flags[16] = "-";
	unsigned source_port, destination_port;
	struct in_addr from, to;
	struct in6_addr from6, to6;
	int fields = sscanf(line, "%7s %63s %u %63s %u %15s", kind, source, &source_port, destination,
			    &destination_port, flags);
	if (fields < 5 || source_port > 65535 || destination_port > 65535)
		return 0;
	int tcp = strcmp(kind, "tcp") == 0;
	if (!tcp && strcmp(kind, "udp") != 0)
		return 0;

	if (inet_pton(AF_INET, source, &from) == 1 && inet_pton(AF_INET, destination, &to) == 1) {
		*family = AF_INET;
		size_t transport_length = transport(tcp, source_port, destination_port, flags, packet + 20);
		if (transport_length == 0)
			return 0;
		size_t total = 20 + transport_length;
		uint8_t *ip = packet;
		memset(ip, 0, 20);
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)total);
		put16(ip + 4, (uint16_t)(source_port ^ destination_port));
		ip[6] = 0x40; /* DF */
		ip[8] = 64;
		ip[9] = tcp ? IPPROTO_TCP : IPPROTO_UDP;
		memcpy(ip + 12, &from, 4);
		memcpy(ip + 16, &to, 4);
		put16(ip + 10, fold(sum_words(ip, 20, 0)));
		checksum(tcp, ip + 12, 8, packet + 20, transport_length);
		return total;
	}
	if (inet_pton(AF_INET6, source, &from6) == 1 && inet_pton(AF_INET6, destination, &to6) == 1) {
		*family = AF_INET6;
		size_t transport_length = transport(tcp, source_port, destination_port, flags, packet + 40);
		if (transport_length == 0)
			return 0;
		uint8_t *ip = packet;
		memset(ip, 0, 40);
		ip[0] = 0x60; /* version 6, traffic class 0, flow label 0 */
		put16(ip + 4, (uint16_t)transport_length);
		ip[6] = tcp ? IPPROTO_TCP : IPPROTO_UDP;
		ip[7] = 64;
		memcpy(ip + 8, &from6, 16);
		memcpy(ip + 24, &to6, 16);
		checksum(tcp, ip + 8, 32, packet + 40, transport_length);
		return 40 + transport_length;
	}
	return 0;
}

int main(void)
{
	/* IPPROTO_RAW: the header is ours, for IPv4 and (on Linux) for IPv6 alike. */
	int raw = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	int raw6 = socket(AF_INET6, SOCK_RAW, IPPROTO_RAW);
	if (raw < 0 || raw6 < 0) {
		perror("packet-sender: socket");
		return 1;
	}
	char line[256];
	uint8_t packet[96];
	unsigned number = 0;
	while (fgets(line, sizeof line, stdin)) {
		number++;
		if (line[0] == '\n' || line[0] == '#')
			continue;
		int family = 0;
		size_t length = build(line, packet, &family);
		if (length == 0) {
			fprintf(stderr, "packet-sender: line %u not understood: %s", number, line);
			return 1;
		}
		ssize_t sent;
		if (family == AF_INET) {
			struct sockaddr_in to = { .sin_family = AF_INET };
			memcpy(&to.sin_addr, packet + 16, 4);
			sent = sendto(raw, packet, length, 0, (struct sockaddr *)&to, sizeof to);
		} else {
			struct sockaddr_in6 to = { .sin6_family = AF_INET6 };
			memcpy(&to.sin6_addr, packet + 24, 16);
			sent = sendto(raw6, packet, length, 0, (struct sockaddr *)&to, sizeof to);
		}
		if (sent != (ssize_t)length) {
			fprintf(stderr, "packet-sender: line %u: ", number);
			perror("sendto");
			return 1;
		}
		/* Let the receiving side's softirq keep up: no backlog drop may reorder scheduling. */
		struct timespec pause = { 0, 50000 };
		nanosleep(&pause, NULL);
	}
	return 0;
}
