// Test helper: uses memory, for the OOM killer to notice.
//   hog <megabytes> [hold]  -> allocates and touches that much memory in 1 MiB steps, prints
//                              "ready" once done, then exits, or with "hold" waits to be killed.
//   hog 0                   -> allocates until killed.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long megabytes = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
	int hold = argc > 2 && strcmp(argv[2], "hold") == 0;

	for (long i = 0; megabytes == 0 || i < megabytes; i++) {
		char *chunk = malloc(1 << 20);
		if (!chunk)
			return 1;
		memset(chunk, 1, 1 << 20); /* touch every page: charge it to the memory cgroup */
	}
	printf("ready\n");
	fflush(stdout);
	while (hold)
		pause();
	return 0;
}
