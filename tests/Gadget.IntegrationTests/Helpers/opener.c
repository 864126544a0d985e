// Test helper: opens a path through the requested system call, so tests control exactly
// which syscall, flags and mode the kernel sees.
//   opener open|openat|openat2 <path> [flags-hex] [mode-octal]   -> prints "<fd or -errno> <pid>"
//   opener storm <count> <path>                                  -> count open/close pairs
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	if (strcmp(argv[1], "storm") == 0) {
		long count = strtol(argv[2], NULL, 10);
		for (long i = 0; i < count; i++) {
			int fd = open(argv[3], O_RDONLY);
			if (fd >= 0)
				close(fd);
		}
		return 0;
	}
	int flags = argc > 3 ? (int)strtol(argv[3], NULL, 16) : O_RDONLY;
	int mode = argc > 4 ? (int)strtol(argv[4], NULL, 8) : 0;
	long fd;
	if (strcmp(argv[1], "open") == 0) {
		fd = syscall(SYS_open, argv[2], flags, mode);
	} else if (strcmp(argv[1], "openat") == 0) {
		fd = syscall(SYS_openat, AT_FDCWD, argv[2], flags, mode);
	} else {
		struct open_how how = { .flags = (unsigned)flags, .mode = (unsigned)mode };
		fd = syscall(SYS_openat2, AT_FDCWD, argv[2], &how, sizeof(how));
	}
	/* The pid too, so tests can match the event's pid and tid with the process that opened. */
	printf("%ld %d\n", fd < 0 ? -(long)errno : fd, (int)getpid());
	return 0;
}
