// profile-cpu bench workload: CPU-bound work in a few nested functions (frame pointers kept,
// as the profiled programs of the tests), for a given time.
//   burn SECONDS -> prints "<work units> <own CPU seconds> <wall seconds>"
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static volatile unsigned long sink;

static double wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu(void)
{
	struct rusage usage;
	getrusage(RUSAGE_SELF, &usage);
	return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

__attribute__((noinline)) unsigned long leaf(unsigned long x)
{
	volatile unsigned long frame = x;

	for (int i = 0; i < 20000; i++)
		x = x * 6364136223846793005UL + 1442695040888963407UL;
	return x + frame;
}

__attribute__((noinline)) unsigned long middle(unsigned long x)
{
	for (int i = 0; i < 10; i++)
		x = leaf(x);
	return x;
}

__attribute__((noinline)) unsigned long top(double seconds, unsigned long *units)
{
	unsigned long x = 1;
	double end = wall() + seconds;

	while (wall() < end) {
		x = middle(x);
		(*units)++;
	}
	return x;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 3;
	unsigned long units = 0;
	double cpu0 = cpu(), wall0 = wall();

	sink = top(seconds, &units);
	printf("%lu %.6f %.6f\n", units, cpu() - cpu0, wall() - wall0);
	return 0;
}
