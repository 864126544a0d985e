// Test helper: performs an exact sequence of file system calls on one file, so tests know
// the syscall, size and offset of every operation a file system tracer should report.
//   fsops <path> <op>...   then prints "pid=<pid> mntns=<inode>"
// ops (N bytes, OFF offset, MS milliseconds):
//   open  openro  creat  close  seek:OFF  fsync  fdatasync
//   write:N  read:N  pwrite:N:OFF  pread:N:OFF  writev:N  readv:N  pwritev2:N:OFF  preadv2:N:OFF
//   slowread:N:MS  slowwrite:N:MS   read/write N bytes through a buffer whose page is missing
//                                   and registered with userfaultfd: the copy to or from user
//                                   memory waits until a handler thread fills the page MS ms
//                                   later, so the system call takes at least MS ms, every time.
//   sleep:MS
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static char buffer[1 << 20];

static void die(const char *what)
{
	fprintf(stderr, "fsops: %s: %s\n", what, strerror(errno));
	exit(1);
}

struct fault_handler {
	int uffd;
	long delay_ms;
	char *page;
	size_t page_size;
};

static void *handle_faults(void *arg)
{
	struct fault_handler *h = arg;
	struct uffd_msg msg;
	struct pollfd pfd = { .fd = h->uffd, .events = POLLIN };

	for (int delayed = 0;;) {
		if (poll(&pfd, 1, -1) < 0 || read(h->uffd, &msg, sizeof(msg)) != sizeof(msg))
			return NULL;
		if (msg.event != UFFD_EVENT_PAGEFAULT)
			continue;
		if (!delayed++)
			usleep(h->delay_ms * 1000);
		struct uffdio_copy copy = {
			.dst = msg.arg.pagefault.address & ~(h->page_size - 1),
			.src = (unsigned long)h->page,
			.len = h->page_size,
		};
		if (ioctl(h->uffd, UFFDIO_COPY, &copy) < 0 && errno != EEXIST)
			die("UFFDIO_COPY");
	}
}

/* A buffer of n bytes whose pages arrive only delay_ms after first touched. */
static char *slow_buffer(size_t n, long delay_ms)
{
	/* One handler (and thread) per buffer: each delays its own first fault. */
	struct fault_handler *h = calloc(1, sizeof(*h));
	size_t page = sysconf(_SC_PAGESIZE);
	size_t len = (n + page - 1) / page * page;
	pthread_t thread;

	h->uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (h->uffd < 0)
		die("userfaultfd");
	struct uffdio_api api = { .api = UFFD_API };
	if (ioctl(h->uffd, UFFDIO_API, &api) < 0)
		die("UFFDIO_API");
	char *area = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		die("mmap");
	struct uffdio_register reg = {
		.range = { .start = (unsigned long)area, .len = len },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	if (ioctl(h->uffd, UFFDIO_REGISTER, &reg) < 0)
		die("UFFDIO_REGISTER");
	h->delay_ms = delay_ms;
	h->page_size = page;
	h->page = aligned_alloc(page, page);
	memset(h->page, 'u', page);
	if (pthread_create(&thread, NULL, handle_faults, h))
		die("pthread_create");
	return area;
}

static long number(char **cursor)
{
	char *s = *cursor;
	if (*s == ':')
		s++;
	long value = strtol(s, cursor, 10);
	return value;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: fsops <path> <op>...\n");
		return 2;
	}
	const char *path = argv[1];
	int fd = -1;
	memset(buffer, 'b', sizeof(buffer));

	for (int i = 2; i < argc; i++) {
		char *op = argv[i];
		char *args = strchr(op, ':');
		char *cursor = args ? args : op + strlen(op);
		size_t oplen = args ? (size_t)(args - op) : strlen(op);
		ssize_t r = 0;
#define IS(name) (oplen == strlen(name) && strncmp(op, name, oplen) == 0)
		if (IS("open")) {
			fd = open(path, O_RDWR | O_CREAT, 0644);
			r = fd;
		} else if (IS("openro")) {
			fd = open(path, O_RDONLY);
			r = fd;
		} else if (IS("creat")) {
			fd = creat(path, 0644);
			r = fd;
		} else if (IS("close")) {
			r = close(fd);
		} else if (IS("seek")) {
			r = lseek(fd, number(&cursor), SEEK_SET);
		} else if (IS("fsync")) {
			r = fsync(fd);
		} else if (IS("fdatasync")) {
			r = fdatasync(fd);
		} else if (IS("write")) {
			r = write(fd, buffer, number(&cursor));
		} else if (IS("read")) {
			r = read(fd, buffer, number(&cursor));
		} else if (IS("pwrite")) {
			long n = number(&cursor);
			r = pwrite(fd, buffer, n, number(&cursor));
		} else if (IS("pread")) {
			long n = number(&cursor);
			r = pread(fd, buffer, n, number(&cursor));
		} else if (IS("writev") || IS("readv")) {
			long n = number(&cursor);
			struct iovec iov[2] = { { buffer, n / 2 }, { buffer + n / 2, n - n / 2 } };
			r = IS("writev") ? writev(fd, iov, 2) : readv(fd, iov, 2);
		} else if (IS("pwritev2") || IS("preadv2")) {
			long n = number(&cursor);
			long off = number(&cursor);
			struct iovec iov = { buffer, n };
			r = IS("pwritev2") ? pwritev2(fd, &iov, 1, off, 0) : preadv2(fd, &iov, 1, off, 0);
		} else if (IS("slowread") || IS("slowwrite")) {
			long n = number(&cursor);
			char *slow = slow_buffer(n, number(&cursor));
			r = IS("slowread") ? read(fd, slow, n) : write(fd, slow, n);
		} else if (IS("sleep")) {
			usleep(number(&cursor) * 1000);
		} else {
			fprintf(stderr, "fsops: unknown op %s\n", op);
			return 2;
		}
		if (r < 0)
			die(op);
	}
	struct stat ns;
	if (stat("/proc/self/ns/mnt", &ns) < 0)
		die("stat /proc/self/ns/mnt");
	printf("pid=%d mntns=%lu\n", getpid(), (unsigned long)ns.st_ino);
	return 0;
}
