// Test helper: sends a known set of signals through kill(2) and tgkill(2), one of which fails.
//   signaler  -> prints "child=<pid> free=<pid>", then:
//                kill(child, SIGUSR1), tgkill(child, child, SIGUSR2), kill(free, SIGTERM) (fails:
//                ESRCH), kill(child, SIGKILL), and reaps the child (whose exit sends SIGCHLD).
// The child ignores SIGUSR1 and SIGUSR2 (inherited), so it lives until SIGKILL. "free" is the
// pid of a child that already exited and was reaped: nothing has it.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);

	pid_t free_pid = fork();
	if (free_pid == 0)
		_exit(0);
	waitpid(free_pid, NULL, 0);

	pid_t child = fork();
	if (child == 0) {
		for (;;)
			pause();
	}
	printf("child=%d free=%d\n", child, free_pid);
	fflush(stdout);

	kill(child, SIGUSR1);
	syscall(SYS_tgkill, child, child, SIGUSR2);
	kill(free_pid, SIGTERM);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return 0;
}
