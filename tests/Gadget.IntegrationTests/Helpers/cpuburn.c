// Test helper: burns CPU in named functions that are never inlined, for profile cpu.
//   cpuburn user SECONDS    -> main -> outer_loop -> hot_inner, all in user space
//   cpuburn kernel SECONDS  -> main -> syscall_loop -> read(2) of /dev/zero, mostly in the kernel
//   cpuburn bench SECONDS   -> as "user", then prints how many hot_inner calls it made
// SECONDS 0 runs until killed. Prints "ready" once running.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long sink;

/* A leaf that never touches the stack gets no frame even with -fno-omit-frame-pointer
 * (gcc 12), and a walk by frame pointers would then skip its caller: the volatile local
 * gives it a frame, as real functions have. */
__attribute__((noinline)) unsigned long hot_inner(unsigned long x)
{
	volatile unsigned long frame = x;

	for (int i = 0; i < 200000; i++)
		x = x * 6364136223846793005UL + 1442695040888963407UL;
	return x + frame;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((noinline)) unsigned long outer_loop(double seconds)
{
	unsigned long x = 1, calls = 0;
	double end = now() + seconds;
	while (seconds == 0 || now() < end) {
		for (int k = 0; k < 16; k++, calls++)
			x = hot_inner(x);
		sink = x;
	}
	return calls;
}

__attribute__((noinline)) void syscall_loop(double seconds)
{
	static char buffer[1 << 16];
	int fd = open("/dev/zero", O_RDONLY);
	double end = now() + seconds;
	if (fd < 0)
		exit(2);
	while (seconds == 0 || now() < end) {
		for (int k = 0; k < 64; k++)
			if (read(fd, buffer, sizeof(buffer)) < 0)
				exit(3);
	}
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "user";
	double seconds = argc > 2 ? atof(argv[2]) : 0;

	printf("ready\n");
	fflush(stdout);
	if (strcmp(mode, "kernel") == 0) {
		syscall_loop(seconds);
	} else {
		unsigned long calls = outer_loop(seconds);
		if (strcmp(mode, "bench") == 0)
			printf("%lu\n", calls);
	}
	return 0;
}
