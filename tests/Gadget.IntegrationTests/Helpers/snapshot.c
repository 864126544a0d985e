// Test helper: makes what the snapshot gadgets list, then waits to be killed. Static, so it runs
// in the busybox test containers. The test reads everything it asserts from /proc on the host
// (pids, threads, socket inodes, /proc/PID/net/*), not from this program's output.
//   snapshot threads
//       -> one extra thread, named "worker" (its comm), then waits; the main thread keeps the
//          process's comm ("snapshot")
//   snapshot sockets <port>
//       -> TCP listeners on 127.0.0.1:<port> and [::1]:<port+1>, each with one connection made
//          to it and accepted (two ESTABLISHED sockets per family), and UDP sockets:
//          127.0.0.1:<port+2> bound only (INACTIVE), one connected to it (ACTIVE), and
//          [::1]:<port+3> bound only; then waits
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void *worker(void *arg)
{
	(void)arg;
	prctl(PR_SET_NAME, "worker", 0, 0, 0);
	for (;;)
		pause();
	return NULL;
}

static socklen_t loopback(int version, int port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (version == 6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		a->sin6_addr = in6addr_loopback;
		return sizeof(*a);
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sizeof(*a);
}

static int bound(int version, int type, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(version, port, &ss);
	int fd = socket(version == 6 ? AF_INET6 : AF_INET, type, 0);
	int one = 1;

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) != 0)
		die("bind");
	return fd;
}

static void connected(int fd, int version, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(version, port, &ss);

	if (connect(fd, (struct sockaddr *)&ss, len) != 0)
		die("connect");
}

/* A listener with one connection accepted: the listener, the client and the accepted socket stay open. */
static void tcp_pair(int version, int port)
{
	int listener = bound(version, SOCK_STREAM, port);
	int client = socket(version == 6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);

	if (listen(listener, 4) != 0)
		die("listen");
	if (client < 0)
		die("socket");
	connected(client, version, port);
	if (accept(listener, NULL, NULL) < 0)
		die("accept");
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "threads") == 0) {
		pthread_t thread;

		if (pthread_create(&thread, NULL, worker, NULL) != 0)
			die("pthread_create");
	} else if (argc >= 3 && strcmp(argv[1], "sockets") == 0) {
		int port = atoi(argv[2]);

		tcp_pair(4, port);
		tcp_pair(6, port + 1);
		bound(4, SOCK_DGRAM, port + 2);
		connected(socket(AF_INET, SOCK_DGRAM, 0), 4, port + 2);
		bound(6, SOCK_DGRAM, port + 3);
	} else {
		fprintf(stderr, "usage: snapshot threads | snapshot sockets <port>\n");
		return 2;
	}
	for (;;)
		pause();
}
