/* Sends COUNT one-byte UDP datagrams from [::]:SPORT to [ADDR]:PORT, 100 ms apart. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 5) { fprintf(stderr, "usage: v6send SPORT ADDR PORT COUNT\n"); return 2; }
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 from = { .sin6_family = AF_INET6, .sin6_port = htons(atoi(argv[1])) };
	if (bind(fd, (struct sockaddr *)&from, sizeof from) < 0) { perror("bind"); return 1; }
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_port = htons(atoi(argv[3])) };
	inet_pton(AF_INET6, argv[2], &to.sin6_addr);
	for (int i = 0; i < atoi(argv[4]); i++) {
		if (sendto(fd, "q", 1, 0, (struct sockaddr *)&to, sizeof to) != 1) { perror("sendto"); return 1; }
		usleep(100000);
	}
	return 0;
}
