// A tight loop of one system call, printing calls per second of the thread's own CPU time
// (time spent preempted by other work on a busy machine does not count): the workload of
// the fsslower-overhead benchmark.
//   readloop <iterations> <path>   pread(2) one byte at offset 0 (a page cache hit)
//   readloop <iterations> -        getppid(2): a syscall fsslower does not trace
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: readloop <iterations> <path>|-\n");
		return 2;
	}
	long iterations = strtol(argv[1], NULL, 10);
	int other = strcmp(argv[2], "-") == 0;
	int fd = other ? -1 : open(argv[2], O_RDONLY);
	if (!other && fd < 0) {
		perror("open");
		return 1;
	}
	char byte;
	struct timespec start, end;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start);
	for (long i = 0; i < iterations; i++) {
		if (other) {
			syscall(SYS_getppid);
		} else if (pread(fd, &byte, 1, 0) != 1) {
			perror("pread");
			return 1;
		}
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end);
	double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
	printf("%.0f\n", iterations / seconds);
	return 0;
}
