// Starts N sleeping processes for the snapshot benchmark, prints "ready" once they all run,
// then waits until its standard input closes (or it is killed) and takes them down with it.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5000;
	pid_t parent = getpid();

	// A process group of our own: the kill at the end takes the sleepers, not our caller.
	setpgid(0, 0);

	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			// Ends with the parent, however the parent ends.
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(0);
			for (;;)
				pause();
		}
	}
	printf("ready\n");
	fflush(stdout);
	char c;
	while (read(0, &c, 1) > 0)
		;
	kill(0, SIGKILL);
	return 0;
}
