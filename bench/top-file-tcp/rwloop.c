// The workloads of the top-file-tcp benchmark. Each prints one rate per CPU-second of its own
// processes (time preempted by other work on a busy machine does not count).
//   rwloop file <path> <iterations> <size>
//       a pwrite of <size> bytes at offset 0, then a pread of them, <iterations> times
//       (page cache hits): prints read+write calls per CPU-second
//   rwloop tcp <bytes> <chunk>
//       a client sends <bytes> in send(2) calls of <chunk> bytes over IPv4 loopback to a
//       server (a child process) that reads them in recv(2) calls of up to <chunk> bytes:
//       prints bytes per CPU-second of both processes
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char buffer[1 << 20];

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static double thread_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double seconds(struct timeval tv) { return tv.tv_sec + tv.tv_usec / 1e6; }

static int file_loop(const char *path, long iterations, size_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || size > sizeof(buffer))
		die("open");
	if (pwrite(fd, buffer, size, 0) != (ssize_t)size)
		die("pwrite");
	double start = thread_seconds();
	for (long i = 0; i < iterations; i++) {
		if (pwrite(fd, buffer, size, 0) != (ssize_t)size)
			die("pwrite");
		if (pread(fd, buffer, size, 0) != (ssize_t)size)
			die("pread");
	}
	printf("%.0f\n", 2 * iterations / (thread_seconds() - start));
	return 0;
}

static int tcp_loop(long long bytes, size_t chunk)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	struct rusage self, children;
	pid_t server;

	if (chunk > sizeof(buffer) || listener < 0 || bind(listener, (struct sockaddr *)&a, len) || listen(listener, 1) ||
	    getsockname(listener, (struct sockaddr *)&a, &len))
		die("listen");
	server = fork();
	if (server < 0)
		die("fork");
	if (server == 0) {
		int fd = accept(listener, NULL, NULL);
		long long got = 0;
		ssize_t n;

		if (fd < 0)
			die("accept");
		while ((n = recv(fd, buffer, chunk, 0)) > 0)
			got += n;
		_exit(got == bytes ? 0 : 3);
	}
	close(listener);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&a, len))
		die("connect");
	for (long long left = bytes; left > 0;) {
		ssize_t n = send(fd, buffer, left < (long long)chunk ? left : (long long)chunk, 0);

		if (n <= 0)
			die("send");
		left -= n;
	}
	close(fd);
	int status;

	if (waitpid(server, &status, 0) != server || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("server");
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &children);
	double cpu = seconds(self.ru_utime) + seconds(self.ru_stime) + seconds(children.ru_utime) + seconds(children.ru_stime);
	printf("%.0f\n", bytes / cpu);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "file") == 0)
		return file_loop(argv[2], atol(argv[3]), strtoul(argv[4], NULL, 10));
	if (argc == 4 && strcmp(argv[1], "tcp") == 0)
		return tcp_loop(atoll(argv[2]), strtoul(argv[3], NULL, 10));
	fprintf(stderr, "usage: rwloop file <path> <iterations> <size> | rwloop tcp <bytes> <chunk>\n");
	return 2;
}
