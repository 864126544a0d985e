// Test and benchmark helper: sends DNS queries over UDP from one socket, as fast as it can,
// then collects the responses.
//   dnsburst <server-ip> <port> <count> <suffix> [--wait]
// Queries are for q<i>.<suffix> (type A) with DNS id i % 65536. The first output line is
// "ready <pid>"; with --wait the socket is created and connected first, and the queries leave
// only once a line arrives on stdin (so a tracer can start in between). The last line is
// "sent <n> received <m> send_us <t>", t being how long sending took; responses are awaited
// for at most 2 s after the last one.
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int build_query(unsigned char *buf, unsigned id, long index, const char *suffix)
{
	char name[256];
	int len = 12, n;

	memset(buf, 0, 12);
	buf[0] = id >> 8;
	buf[1] = id & 0xff;
	buf[2] = 0x01; /* RD */
	buf[5] = 1;    /* QDCOUNT */
	snprintf(name, sizeof(name), "q%ld.%s", index, suffix);
	for (char *label = strtok(name, "."); label; label = strtok(NULL, ".")) {
		n = strlen(label);
		if (n > 63 || len + n + 6 > 512)
			return -1;
		buf[len++] = n;
		memcpy(buf + len, label, n);
		len += n;
	}
	buf[len++] = 0;
	buf[len++] = 0;
	buf[len++] = 1; /* QTYPE A */
	buf[len++] = 0;
	buf[len++] = 1; /* QCLASS IN */
	return len;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage server = {0};
	socklen_t server_len;
	unsigned char buf[512];
	long count, sent = 0, received = 0;
	long long start, send_us;
	int fd, wait_for_go;

	if (argc < 5)
		return 2;
	count = strtol(argv[3], NULL, 10);
	wait_for_go = argc > 5 && strcmp(argv[5], "--wait") == 0;
	if (inet_pton(AF_INET, argv[1], &((struct sockaddr_in *)&server)->sin_addr) == 1) {
		struct sockaddr_in *in = (struct sockaddr_in *)&server;
		in->sin_family = AF_INET;
		in->sin_port = htons(atoi(argv[2]));
		server_len = sizeof(*in);
	} else if (inet_pton(AF_INET6, argv[1], &((struct sockaddr_in6 *)&server)->sin6_addr) == 1) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&server;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(atoi(argv[2]));
		server_len = sizeof(*in6);
	} else {
		return 2;
	}
	fd = socket(server.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&server, server_len) < 0) {
		perror("socket");
		return 1;
	}
	printf("ready %d\n", getpid());
	fflush(stdout);
	if (wait_for_go && !fgets((char *)buf, sizeof(buf), stdin))
		return 1;

	start = now_us();
	for (long i = 0; i < count; i++) {
		int len = build_query(buf, (unsigned)(i & 0xffff), i, argv[4]);

		if (len < 0)
			return 2;
		while (send(fd, buf, len, 0) < 0) {
			/* A full socket buffer or an ICMP error from an earlier query: wait, retry. */
			struct pollfd p = { .fd = fd, .events = POLLIN };

			if (poll(&p, 1, 1) > 0 && recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
				received++;
			len = build_query(buf, (unsigned)(i & 0xffff), i, argv[4]);
		}
		sent++;
		while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			received++;
	}
	send_us = now_us() - start;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (received >= sent || poll(&p, 1, 2000) <= 0)
			break;
		if (recv(fd, buf, sizeof(buf), 0) > 0)
			received++;
	}
	printf("sent %ld received %ld send_us %lld\n", sent, received, send_us);
	return 0;
}
