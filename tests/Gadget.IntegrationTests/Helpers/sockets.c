// Test helper: drives exact socket calls, so tests control what the network gadgets see,
// and prints what happened as "key=value" lines for the assertions. The first line is
// "ns mnt=<id> net=<id> pid=<pid>": the namespaces and process id the events must carry.
//   sockets bind <tcp|udp> <4|6> <addr> <port> [reuseaddr] [reuseport] [freebind] [transparent]
//                [noport] [dev=<ifname>] [uid=<n>] [twice] [wait]
//       -> "bind port=<bound port> errno=<0 or errno>" per bind; "twice" keeps the first
//          socket and binds a second one to the same address (EADDRINUSE); "wait" prints
//          "waiting" and reads a line from stdin first (so the test knows the pid in advance)
//   sockets listen <4|6> <addr> <port> [backlog=<n>] [accept=<n>] [delay=<ms>] [wait] [reset]
//       -> "listening port=<port>", then after <delay> ms accepts <n> connections
//          ("accepted port=<peer port>"), closes them (with a RST for "reset") and exits;
//          "wait" first reads a line from stdin (the test says when its clients are queued)
//   sockets connect <4|6> <addr> <port> [nonblock] [hold=<ms>] [shutdown] [die]
//       -> "connect port=<source port> errno=<0 or errno>"; waits <hold> ms; "shutdown"
//          calls shutdown(SHUT_RDWR) before close; "die" is killed by SIGKILL holding the socket
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

static int has(int argc, char **argv, const char *flag)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], flag) == 0)
			return 1;
	return 0;
}

static const char *value(int argc, char **argv, const char *key)
{
	size_t len = strlen(key);
	for (int i = 0; i < argc; i++)
		if (strncmp(argv[i], key, len) == 0 && argv[i][len] == '=')
			return argv[i] + len + 1;
	return NULL;
}

static socklen_t address(int version, const char *text, int port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (version == 6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		if (inet_pton(AF_INET6, text, &a->sin6_addr) != 1)
			exit(2);
		return sizeof(*a);
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	if (inet_pton(AF_INET, text, &a->sin_addr) != 1)
		exit(2);
	return sizeof(*a);
}

static int local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	return ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					       : ((struct sockaddr_in *)&ss)->sin_port);
}

static int peer_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	return ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					       : ((struct sockaddr_in *)&ss)->sin_port);
}

static void set(int fd, int level, int name)
{
	int one = 1;
	if (setsockopt(fd, level, name, &one, sizeof(one)) < 0) {
		perror("setsockopt");
		exit(3);
	}
}

static int do_bind(int argc, char **argv)
{
	int udp = strcmp(argv[2], "udp") == 0;
	int version = atoi(argv[3]);
	struct sockaddr_storage ss;
	socklen_t len = address(version, argv[4], atoi(argv[5]), &ss);
	int family = version == 6 ? AF_INET6 : AF_INET;
	int ip_level = version == 6 ? IPPROTO_IPV6 : IPPROTO_IP;
	const char *dev = value(argc, argv, "dev");
	const char *uid = value(argc, argv, "uid");
	int binds = has(argc, argv, "twice") ? 2 : 1;

	if (has(argc, argv, "wait")) {
		char line[16];
		printf("waiting\n");
		if (!fgets(line, sizeof(line), stdin))
			return 3;
	}
	for (int i = 0; i < binds; i++) {
		int fd = socket(family, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
		if (fd < 0)
			return 3;
		if (has(argc, argv, "reuseaddr"))
			set(fd, SOL_SOCKET, SO_REUSEADDR);
		if (has(argc, argv, "reuseport"))
			set(fd, SOL_SOCKET, SO_REUSEPORT);
		if (has(argc, argv, "freebind"))
			set(fd, ip_level, version == 6 ? IPV6_FREEBIND : IP_FREEBIND);
		if (has(argc, argv, "transparent"))
			set(fd, ip_level, version == 6 ? IPV6_TRANSPARENT : IP_TRANSPARENT);
		if (has(argc, argv, "noport"))
			set(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT);
		if (dev && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, strlen(dev)) < 0) {
			perror("SO_BINDTODEVICE");
			return 3;
		}
		if (uid && i == 0 && setresuid(atoi(uid), atoi(uid), atoi(uid)) < 0) {
			perror("setresuid");
			return 3;
		}
		int err = bind(fd, (struct sockaddr *)&ss, len) < 0 ? errno : 0;
		if (!err && !udp && i == 0 && binds > 1)
			listen(fd, 1); /* a listener owns its port even against SO_REUSEADDR */
		printf("bind port=%d errno=%d\n", err ? 0 : local_port(fd), err);
		/* The first socket stays open, so the second bind collides with it. */
	}
	return 0;
}

static int do_listen(int argc, char **argv)
{
	int version = atoi(argv[2]);
	struct sockaddr_storage ss;
	socklen_t len = address(version, argv[3], atoi(argv[4]), &ss);
	const char *backlog = value(argc, argv, "backlog");
	const char *accepts = value(argc, argv, "accept");
	const char *delay = value(argc, argv, "delay");
	int fd = socket(version == 6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);

	set(fd, SOL_SOCKET, SO_REUSEADDR);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, backlog ? atoi(backlog) : 16) < 0) {
		perror("listen");
		return 3;
	}
	printf("listening port=%d\n", local_port(fd));
	fflush(stdout);
	if (has(argc, argv, "wait")) {
		char line[16];
		if (!fgets(line, sizeof(line), stdin))
			return 3;
	}
	if (delay)
		usleep(atoi(delay) * 1000);
	for (int i = 0; i < (accepts ? atoi(accepts) : 1); i++) {
		int c = accept(fd, NULL, NULL);
		if (c < 0) {
			perror("accept");
			return 3;
		}
		printf("accepted port=%d\n", peer_port(c));
		fflush(stdout);
		if (has(argc, argv, "reset")) {
			/* Linger 0: close() aborts the connection with a RST. */
			struct linger abort = { .l_onoff = 1, .l_linger = 0 };
			setsockopt(c, SOL_SOCKET, SO_LINGER, &abort, sizeof(abort));
		}
		close(c);
	}
	close(fd);
	return 0;
}

static int do_connect(int argc, char **argv)
{
	int version = atoi(argv[2]);
	struct sockaddr_storage ss;
	socklen_t len = address(version, argv[3], atoi(argv[4]), &ss);
	int fd = socket(version == 6 ? AF_INET6 : AF_INET,
			SOCK_STREAM | (has(argc, argv, "nonblock") ? SOCK_NONBLOCK : 0), 0);
	int err = connect(fd, (struct sockaddr *)&ss, len) < 0 ? errno : 0;

	if (err == EINPROGRESS) {
		/* Wait for the answer, so the connection is complete before close. */
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		socklen_t size = sizeof(err);
		poll(&p, 1, 5000);
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &size);
	}
	printf("connect port=%d errno=%d\n", local_port(fd), err);
	fflush(stdout);
	if (has(argc, argv, "die"))
		kill(getpid(), SIGKILL);
	if (value(argc, argv, "hold"))
		usleep(atoi(value(argc, argv, "hold")) * 1000);
	if (has(argc, argv, "shutdown")) {
		shutdown(fd, SHUT_RDWR);
		usleep(100 * 1000);
	}
	close(fd);
	return 0;
}

/* The namespace ids the gadgets report, as this process sees them. */
static unsigned long long ns_id(const char *kind)
{
	char path[64], link[64] = "";
	snprintf(path, sizeof(path), "/proc/self/ns/%s", kind);
	if (readlink(path, link, sizeof(link) - 1) < 0)
		return 0;
	char *open = strchr(link, '[');
	return open ? strtoull(open + 1, NULL, 10) : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ns mnt=%llu net=%llu pid=%d\n", ns_id("mnt"), ns_id("net"), getpid());
	if (argc >= 6 && strcmp(argv[1], "bind") == 0)
		return do_bind(argc, argv);
	if (argc >= 5 && strcmp(argv[1], "listen") == 0)
		return do_listen(argc, argv);
	if (argc >= 5 && strcmp(argv[1], "connect") == 0)
		return do_connect(argc, argv);
	fprintf(stderr, "usage: see the comment at the top of sockets.c\n");
	return 2;
}
