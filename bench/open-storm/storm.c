// Open/close the same file in a tight loop and report the rate: the workload of the
// open-storm benchmark. Usage: storm <iterations> <path>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: storm <iterations> <path>\n");
		return 2;
	}
	long iterations = strtol(argv[1], NULL, 10);
	struct timespec start, end;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long i = 0; i < iterations; i++) {
		int fd = open(argv[2], O_RDONLY);
		if (fd < 0) {
			perror("open");
			return 1;
		}
		close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
	printf("%.0f\n", iterations / seconds);
	return 0;
}
