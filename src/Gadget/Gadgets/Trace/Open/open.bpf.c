// SPDX-License-Identifier: GPL-2.0
/*
 * trace open: one event per open/openat/openat2.
 *
 * Everything happens at syscall exit: the arguments are still in the task's
 * saved user registers (bpf_task_pt_regs), so there is no entry hook and no
 * map between entry and exit; and the path is read after the kernel faulted
 * its page in, so it does not fail where an entry-time read would.
 */
#include "gadget.h"
#include "gadget_path.h"

#define OPEN_PREFIX_MAX 256
#define OPEN_MAX_PREFIXES 16
#define AT_FDCWD -100

enum open_syscall {
	OPEN_SYSCALL_OPEN,
	OPEN_SYSCALL_OPENAT,
	OPEN_SYSCALL_OPENAT2,
};

struct open_event {
	struct gadget_event_header header;
	__s32 fd;           /* the new descriptor, -1 on failure */
	gadget_errno error;
	__u32 flags;
	__u32 mode;
	__u16 path_size;      /* NUL-terminated path as passed, at the start of data */
	__u16 full_path_size; /* NUL-terminated absolute path after it (--full-path) */
	__u32 pad;
	char data[];
};

struct open_record {
	struct open_event event;
	char data[2 * GADGET_PATH_MAX];
};

/* A key of the prefix trie: the bits of data that count, then the bytes. */
struct open_prefix_key {
	__u32 prefixlen;
	__u8 data[OPEN_PREFIX_MAX];
};

struct open_scratch {
	struct open_record record;
	struct gadget_path_buf path;
	struct open_prefix_key key;
};

const volatile bool failed_only = false;
const volatile bool with_full_path = false;
const volatile __u32 prefix_count = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct open_scratch);
} scratch SEC(".maps");

/* Path prefixes to keep (--prefixes). A longest-prefix-match trie answers "does
 * the path start with one of them" in one lookup, where comparing the prefixes
 * one by one made a program too large to verify past a few prefixes. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, OPEN_MAX_PREFIXES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct open_prefix_key);
	__type(value, __u8);
} prefixes SEC(".maps");

GADGET_EVENT(open_event);

/* True when the string at data[start] (start 0 or GADGET_PATH_MAX; len bytes,
 * NUL excluded) begins with one of the prefixes. Bytes past len are copied too
 * but not compared: the key's prefixlen stops the match at len. */
static __always_inline int has_prefix(struct open_scratch *s, __u32 start, __u32 len)
{
	const char *path = start ? s->record.data + GADGET_PATH_MAX : s->record.data;

	if (len > OPEN_PREFIX_MAX)
		len = OPEN_PREFIX_MAX;
	s->key.prefixlen = len * 8;
	bpf_probe_read_kernel(s->key.data, sizeof(s->key.data), path);
	return bpf_map_lookup_elem(&prefixes, &s->key) != NULL;
}

/* The absolute path of a failed open: the path itself when absolute, else
 * joined to the directory it is relative to (cwd or dfd). */
static __always_inline __u64 resolve_failed(struct open_scratch *s, int dfd, __u64 path_size)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	char *out = &s->record.data[GADGET_PATH_MAX];
	struct path dir;
	__u64 start, size;

	if (s->record.data[0] == '/' || path_size > GADGET_PATH_MAX) {
		if (path_size > GADGET_PATH_MAX)
			path_size = GADGET_PATH_MAX;
		barrier_var(path_size);
		bpf_probe_read_kernel(out, path_size, s->record.data);
		return path_size;
	}
	if (dfd == AT_FDCWD) {
		struct fs_struct *fs = BPF_CORE_READ(task, fs);

		bpf_core_read(&dir, sizeof(dir), &fs->pwd);
	} else {
		struct file *file = gadget_current_file(dfd);

		if (!file)
			return 0;
		bpf_core_read(&dir, sizeof(dir), &file->f_path);
	}
	start = gadget_read_path(&dir, &s->path);
	size = gadget_copy_path(out, &s->path, start);
	if (size < 2 || size >= GADGET_PATH_MAX)
		return size;
	/* Replace the directory's NUL with '/' and append the relative path. */
	out[(size - 1) & GADGET_PATH_MASK] = '/';
	__u64 room = GADGET_PATH_MAX - size;
	long n = bpf_probe_read_kernel_str(&out[size & GADGET_PATH_MASK], room & GADGET_PATH_MASK,
					   s->record.data);
	return n > 0 ? size + n : size;
}

static __always_inline int trace_open_exit(long ret, enum open_syscall syscall)
{
	gadget_mntns_id mntns_id = gadget_current_mntns_id();
	struct task_struct *task;
	struct pt_regs *regs;
	struct open_scratch *s;
	const char *filename;
	__u64 flags, mode;
	__u64 size, full_size = 0;
	int dfd = AT_FDCWD;
	__u32 zero = 0;

	if (gadget_should_discard_mntns_id(mntns_id))
		return 0;
	if (failed_only && ret >= 0)
		return 0;

	task = bpf_get_current_task_btf();
	regs = (struct pt_regs *)bpf_task_pt_regs(task);
	switch (syscall) {
	case OPEN_SYSCALL_OPEN:
		filename = (const char *)PT_REGS_PARM1_CORE_SYSCALL(regs);
		flags = PT_REGS_PARM2_CORE_SYSCALL(regs);
		mode = PT_REGS_PARM3_CORE_SYSCALL(regs);
		break;
	case OPEN_SYSCALL_OPENAT:
		dfd = PT_REGS_PARM1_CORE_SYSCALL(regs);
		filename = (const char *)PT_REGS_PARM2_CORE_SYSCALL(regs);
		flags = PT_REGS_PARM3_CORE_SYSCALL(regs);
		mode = PT_REGS_PARM4_CORE_SYSCALL(regs);
		break;
	default: {
		struct open_how how = {};

		dfd = PT_REGS_PARM1_CORE_SYSCALL(regs);
		filename = (const char *)PT_REGS_PARM2_CORE_SYSCALL(regs);
		bpf_probe_read_user(&how, sizeof(how), (void *)PT_REGS_PARM3_CORE_SYSCALL(regs));
		flags = how.flags;
		mode = how.mode;
		break;
	}
	}

	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return 0;
	struct open_event *event = &s->record.event;

	long n = bpf_probe_read_user_str(s->record.data, GADGET_PATH_MAX, filename);
	size = n > 0 ? n : 0;
	if (size == 0)
		s->record.data[0] = 0, size = 1;

	if (with_full_path) {
		char *out = &s->record.data[GADGET_PATH_MAX];

		if (ret >= 0) {
			struct file *file = gadget_current_file(ret);

			if (file) {
				__u64 start = gadget_read_path(
					__builtin_preserve_access_index(&file->f_path), &s->path);
				full_size = gadget_copy_path(out, &s->path, start);
			}
		} else {
			full_size = resolve_failed(s, dfd, size);
		}
		if (full_size > GADGET_PATH_MAX)
			full_size = GADGET_PATH_MAX;
		barrier_var(full_size);
		if (prefix_count && !has_prefix(s, GADGET_PATH_MAX, full_size ? full_size - 1 : 0))
			return 0;
	} else if (prefix_count && !has_prefix(s, 0, size - 1)) {
		return 0;
	}

	gadget_fill_header(&event->header, mntns_id);
	event->fd = ret >= 0 ? ret : -1;
	event->error = ret >= 0 ? 0 : -ret;
	event->flags = flags;
	event->mode = mode;
	event->path_size = size;
	event->full_path_size = full_size;

	if (full_size) {
		/* Move the full path right behind the path so the record stays small. */
		if (size > GADGET_PATH_MAX)
			size = GADGET_PATH_MAX;
		barrier_var(size);
		bpf_probe_read_kernel(&s->record.data[size], full_size,
				      &s->record.data[GADGET_PATH_MAX]);
	}
	__u64 total = size + full_size;
	if (total > 2 * GADGET_PATH_MAX)
		total = 2 * GADGET_PATH_MAX;
	barrier_var(total);
	gadget_output(&s->record, sizeof(struct open_event) + total);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_open")
int trace_open(struct trace_event_raw_sys_exit *ctx)
{
	return trace_open_exit(ctx->ret, OPEN_SYSCALL_OPEN);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int trace_openat(struct trace_event_raw_sys_exit *ctx)
{
	return trace_open_exit(ctx->ret, OPEN_SYSCALL_OPENAT);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int trace_openat2(struct trace_event_raw_sys_exit *ctx)
{
	return trace_open_exit(ctx->ret, OPEN_SYSCALL_OPENAT2);
}

char LICENSE[] SEC("license") = "GPL";
