// Test helper: sends a known set of signals through kill(2) and tgkill(2), one of which fails.
//   signaler  -> prints "child=<pid> free=<pid>", then:
//                kill(child, SIGUSR1), tgkill(child, child, SIGUSR2), kill(free, SIGTERM) (fails:
//                ESRCH), kill(child, SIGKILL), and reaps the child (whose exit sends SIGCHLD).
//   signaler seccomp <pid> -> has seccomp refuse kill(2) with EACCES, then kill(pid, SIGUSR1):
//                             a call that never reaches the kernel's kill; prints its result.
// The child ignores SIGUSR1 and SIGUSR2 (inherited), so it lives until SIGKILL. "free" is the
// pid of a child that already exited and was reaped: nothing has it.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int refused_kill(pid_t pid)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_kill, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EACCES),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog program = { .len = sizeof(filter) / sizeof(filter[0]), .filter = filter };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program))
		return 1;
	printf("%d\n", kill(pid, SIGUSR1) ? -errno : 0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "seccomp") == 0)
		return refused_kill(atoi(argv[2]));

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
