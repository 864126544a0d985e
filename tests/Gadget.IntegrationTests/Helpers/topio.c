// Test helper for the top gadgets: exact reads and writes on one file, and exact TCP
// transfers, so tests know every count and byte the gadgets must report. Output lines are
// "verb key=value ...". The first is "ns mnt=<id> net=<id> pid=<pid>".
// Gates, for tests that run it where they cannot talk to its stdin (a CRI exec):
//   start=<path>  wait until <path> exists before any work (the test learns the pid first)
//   hold=<path>   when the work is done, create <path>.<role> (role: file, server, client),
//                 then wait until <path> exists before exiting (the test finds the process
//                 while it is still there, and knows its counts are final)
//   topio file <path> [start=..] [hold=..] <op>...
//       opens <path> (O_RDWR|O_CREAT: a FIFO opens without waiting for a peer), prints
//       "open tid=<tid> fd=<fd>", then runs the ops:
//         read:N  write:N  pread:N:OFF  pwrite:N:OFF  readv:N  writev:N  preadv:N:OFF
//         pwritev:N:OFF  preadv2:N:OFF  pwritev2:N:OFF  seek:OFF
//       each optionally repeated, "write:4096x100"; each call must move exactly N bytes.
//       Then prints "done reads=<calls> writes=<calls> rbytes=<sum> wbytes=<sum>".
//   topio tcp <4|6> <addr> <client bytes> <server bytes> [start=..] [hold=..]
//       listens on <addr>, port 0: "server pid=<pid> port=<port>"; forks a client that
//       connects ("client pid=<pid> port=<local port>"), sends <client bytes>, shuts its
//       sending side down, and reads until the end; the server reads until the end, sends
//       <server bytes> and closes. The server then waits for the client and prints
//       "done server_received=<n> client_received=<n>".
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char buffer[1 << 20];

static void die(const char *what)
{
	fprintf(stderr, "topio: %s: %s\n", what, strerror(errno));
	exit(1);
}

static unsigned long long inode_of(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		die(path);
	return (unsigned long long)st.st_ino;
}

static void print_namespaces(void)
{
	printf("ns mnt=%llu net=%llu pid=%d\n", inode_of("/proc/self/ns/mnt"), inode_of("/proc/self/ns/net"), getpid());
	fflush(stdout);
}

static const char *start_gate, *hold_gate;

/* Takes the gate options out of argv; returns the new argc. */
static int take_gates(int argc, char **argv)
{
	int out = 0;

	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "start=", 6) == 0)
			start_gate = argv[i] + 6;
		else if (strncmp(argv[i], "hold=", 5) == 0)
			hold_gate = argv[i] + 5;
		else
			argv[out++] = argv[i];
	}
	argv[out] = NULL;
	return out;
}

static void wait_for(const char *path)
{
	struct timespec tick = { 0, 2 * 1000 * 1000 };

	for (int i = 0; i < 30 * 500; i++) {
		if (access(path, F_OK) == 0)
			return;
		nanosleep(&tick, NULL);
	}
	fprintf(stderr, "topio: %s did not appear\n", path);
	exit(4);
}

static void wait_start(void)
{
	if (start_gate)
		wait_for(start_gate);
}

/* Says the work of <role> is done (the file holds the pid), then waits to be let go. */
static void hold(const char *role)
{
	char path[4096];
	FILE *f;

	if (!hold_gate)
		return;
	snprintf(path, sizeof(path), "%s.%s", hold_gate, role);
	f = fopen(path, "w");
	if (!f)
		die(path);
	fprintf(f, "%d\n", getpid());
	fclose(f);
	wait_for(hold_gate);
}

/* Two halves of a buffer, for the vectored calls: the split must not change the byte count. */
static struct iovec *halves(size_t n)
{
	static struct iovec iov[2];

	iov[0].iov_base = buffer;
	iov[0].iov_len = n / 2;
	iov[1].iov_base = buffer + n / 2;
	iov[1].iov_len = n - n / 2;
	return iov;
}

static int file_mode(int argc, char **argv)
{
	long long rbytes = 0, wbytes = 0;
	int reads = 0, writes = 0;
	int fd;

	wait_start();
	fd = open(argv[2], O_RDWR | O_CREAT, 0644);
	if (fd < 0)
		die(argv[2]);
	printf("open tid=%ld fd=%d\n", (long)syscall(SYS_gettid), fd);
	fflush(stdout);
	for (int i = 3; i < argc; i++) {
		char op[16] = "";
		size_t n = 0;
		long long off = 0;
		long times = 1;
		char *x = strchr(argv[i], 'x');
		const char *spec = strchr(argv[i], ':');

		if (!spec || (size_t)(spec - argv[i]) >= sizeof(op))
			die(argv[i]);
		memcpy(op, argv[i], spec - argv[i]);
		if (x)
			times = atol(x + 1);
		if (strcmp(op, "seek") == 0) {
			if (lseek(fd, atoll(spec + 1), SEEK_SET) < 0)
				die("lseek");
			continue;
		}
		n = strtoul(spec + 1, NULL, 10);
		if (strchr(spec + 1, ':'))
			off = atoll(strchr(spec + 1, ':') + 1);
		if (n > sizeof(buffer))
			die("size");
		for (long t = 0; t < times; t++) {
			ssize_t done;
			int is_write = op[0] == 'w' || (op[0] == 'p' && op[1] == 'w');

			if (strcmp(op, "read") == 0)
				done = read(fd, buffer, n);
			else if (strcmp(op, "write") == 0)
				done = write(fd, buffer, n);
			else if (strcmp(op, "pread") == 0)
				done = pread(fd, buffer, n, off);
			else if (strcmp(op, "pwrite") == 0)
				done = pwrite(fd, buffer, n, off);
			else if (strcmp(op, "readv") == 0)
				done = readv(fd, halves(n), 2);
			else if (strcmp(op, "writev") == 0)
				done = writev(fd, halves(n), 2);
			/* Raw system calls: libc may route preadv() through preadv2() and back. */
			else if (strcmp(op, "preadv") == 0)
				done = syscall(SYS_preadv, fd, halves(n), 2, (long)off, 0L);
			else if (strcmp(op, "pwritev") == 0)
				done = syscall(SYS_pwritev, fd, halves(n), 2, (long)off, 0L);
			else if (strcmp(op, "preadv2") == 0)
				done = syscall(SYS_preadv2, fd, halves(n), 2, (long)off, 0L, 0);
			else if (strcmp(op, "pwritev2") == 0)
				done = syscall(SYS_pwritev2, fd, halves(n), 2, (long)off, 0L, 0);
			else
				die(op);
			if (done != (ssize_t)n) {
				fprintf(stderr, "topio: %s moved %zd of %zu bytes\n", argv[i], done, n);
				return 1;
			}
			if (is_write) {
				writes++;
				wbytes += done;
			} else {
				reads++;
				rbytes += done;
			}
		}
	}
	printf("done reads=%d writes=%d rbytes=%lld wbytes=%lld\n", reads, writes, rbytes, wbytes);
	fflush(stdout);
	hold("file");
	return 0;
}

static socklen_t address(int version, const char *text, int port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (version == 6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		if (inet_pton(AF_INET6, text, &a->sin6_addr) != 1)
			die("address");
		return sizeof(*a);
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;

	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	if (inet_pton(AF_INET, text, &a->sin_addr) != 1)
		die("address");
	return sizeof(*a);
}

static int port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		die("getsockname");
	return ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
					: ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void send_all(int fd, long long n)
{
	while (n > 0) {
		ssize_t done = send(fd, buffer, n < (long long)sizeof(buffer) ? n : (long long)sizeof(buffer), 0);

		if (done <= 0)
			die("send");
		n -= done;
	}
}

static long long receive_all(int fd)
{
	long long total = 0;

	for (;;) {
		ssize_t done = recv(fd, buffer, sizeof(buffer), 0);

		if (done < 0)
			die("recv");
		if (done == 0)
			return total;
		total += done;
	}
}

static int tcp_mode(int argc, char **argv)
{
	int version = atoi(argv[2]);
	long long client_bytes = atoll(argv[4]), server_bytes = atoll(argv[5]);
	struct sockaddr_storage ss;
	socklen_t len = address(version, argv[3], 0, &ss);
	int listener = socket(version == 6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
	int status, port;
	pid_t client;

	if (listener < 0 || bind(listener, (struct sockaddr *)&ss, len) != 0 || listen(listener, 1) != 0)
		die("listen");
	port = port_of(listener);
	printf("server pid=%d port=%d\n", getpid(), port);
	fflush(stdout);
	wait_start();

	client = fork();
	if (client < 0)
		die("fork");
	if (client == 0) {
		int fd = socket(version == 6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);

		len = address(version, argv[3], port, &ss);
		if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len) != 0)
			die("connect");
		printf("client pid=%d port=%d\n", getpid(), port_of(fd));
		fflush(stdout);
		send_all(fd, client_bytes);
		shutdown(fd, SHUT_WR);
		long long received = receive_all(fd);
		close(fd);
		hold("client");
		_exit(received == server_bytes ? 0 : 3);
	}

	int fd = accept(listener, NULL, NULL);

	if (fd < 0)
		die("accept");
	long long received = receive_all(fd);

	send_all(fd, server_bytes);
	close(fd);
	close(listener);
	hold("server");
	if (waitpid(client, &status, 0) != client)
		die("waitpid");
	printf("done server_received=%lld client_received=%lld\n", received,
	       WIFEXITED(status) && WEXITSTATUS(status) == 0 ? server_bytes : -1LL);
	return received == client_bytes && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	argc = take_gates(argc, argv);
	print_namespaces();
	if (argc >= 3 && strcmp(argv[1], "file") == 0)
		return file_mode(argc, argv);
	if (argc >= 6 && strcmp(argv[1], "tcp") == 0)
		return tcp_mode(argc, argv);
	fprintf(stderr, "usage: topio file <path> [start=..] [hold=..] <op>... | topio tcp <4|6> <addr> <client bytes> <server bytes> [start=..] [hold=..]\n");
	return 2;
}
