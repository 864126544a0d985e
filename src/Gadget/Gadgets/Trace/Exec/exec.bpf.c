// SPDX-License-Identifier: GPL-2.0
/*
 * trace exec: one event per execve/execveat.
 *
 * Successful execs are reported from sched_process_exec, in the new program:
 * its arguments are read in one copy from the argument area of the new mm
 * (complete up to EXEC_ARGS_MAX), and nothing needs to be kept between entry
 * and exit. Failed execs are reported at syscall exit from the argv pointer
 * saved at entry, which is still valid because the old program keeps running.
 */
#include "gadget.h"
#include "gadget_path.h"

#define EXEC_ARGS_MAX 8192 /* bytes of arguments, NULs included */
#define EXEC_FAILED_MAX_ARGS 64
#define EXEC_DATA_MAX (EXEC_ARGS_MAX + 2 * GADGET_PATH_MAX)

struct exec_event {
	struct gadget_event_header header;
	__u32 ppid;
	__u32 loginuid;
	__u32 sessionid;
	gadget_errno error;
	char pcomm[TASK_COMM_LEN];
	__u32 args_size;     /* NUL-separated arguments at the start of data */
	__u16 cwd_size;      /* NUL-terminated cwd after the arguments (--paths) */
	__u16 exepath_size;  /* NUL-terminated executable path after cwd (--paths) */
	__u8 args_truncated; /* arguments went past EXEC_ARGS_MAX */
	__u8 pad[7];
	char data[];
};

/* The event and its variable part are built here, then copied to the ring
 * with their actual size. */
struct exec_record {
	struct exec_event event;
	char data[EXEC_DATA_MAX];
};

struct exec_scratch {
	struct exec_record record;
	struct gadget_path_buf path;
};

struct syscall_args {
	const char *filename;
	const char *const *argv;
};

const volatile bool ignore_errors = false;
const volatile bool with_paths = false;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_scratch);
} scratch SEC(".maps");

/* execve arguments saved at entry, by thread id, for the failure report. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct syscall_args);
} pending_execs SEC(".maps");

GADGET_EVENT(exec_event);

static __always_inline struct exec_scratch *get_scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
}

static __always_inline void fill_process(struct exec_event *event, struct task_struct *task,
					 gadget_mntns_id mntns_id)
{
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);

	gadget_fill_header(&event->header, mntns_id);
	event->ppid = BPF_CORE_READ(parent, tgid);
	BPF_CORE_READ_STR_INTO(&event->pcomm, parent, comm);
	if (bpf_core_field_exists(task->loginuid)) {
		event->loginuid = BPF_CORE_READ(task, loginuid.val);
		event->sessionid = BPF_CORE_READ(task, sessionid);
	} else {
		event->loginuid = (__u32)-1;
		event->sessionid = (__u32)-1;
	}
	event->cwd_size = 0;
	event->exepath_size = 0;
	event->args_truncated = 0;
}

/* Appends cwd and executable path after the arguments; returns the data size. */
static __always_inline __u64 append_paths(struct exec_scratch *s, struct task_struct *task, __u64 off)
{
	struct exec_event *event = &s->record.event;
	struct path pwd;
	struct file *exe;
	__u64 start, size;

	if (off > EXEC_ARGS_MAX)
		off = EXEC_ARGS_MAX;
	barrier_var(off);

	struct fs_struct *fs = BPF_CORE_READ(task, fs);

	bpf_core_read(&pwd, sizeof(pwd), &fs->pwd);
	start = gadget_read_path(&pwd, &s->path);
	size = gadget_copy_path(&s->record.data[off], &s->path, start);
	event->cwd_size = size;
	off += size;
	if (off > EXEC_ARGS_MAX + GADGET_PATH_MAX)
		off = EXEC_ARGS_MAX + GADGET_PATH_MAX;
	barrier_var(off);

	exe = BPF_CORE_READ(task, mm, exe_file);
	if (exe) {
		start = gadget_read_path(__builtin_preserve_access_index(&exe->f_path), &s->path);
		size = gadget_copy_path(&s->record.data[off], &s->path, start);
		event->exepath_size = size;
		off += size;
	}
	return off;
}

static __always_inline void emit(struct exec_scratch *s, __u64 data_size)
{
	if (data_size > EXEC_DATA_MAX)
		data_size = EXEC_DATA_MAX;
	barrier_var(data_size);
	gadget_output(&s->record, sizeof(struct exec_event) + data_size);
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(trace_exec_success, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	gadget_mntns_id mntns_id = gadget_task_mntns_id(task);
	struct exec_scratch *s;
	unsigned long arg_start, arg_end;
	__u64 len;
	__u64 off;
	__u32 old_tid = old_pid;

	bpf_map_delete_elem(&pending_execs, &old_tid);
	if (gadget_should_discard_mntns_id(mntns_id))
		return 0;
	s = get_scratch();
	if (!s)
		return 0;

	struct exec_event *event = &s->record.event;
	fill_process(event, task, mntns_id);
	event->error = 0;

	arg_start = BPF_CORE_READ(task, mm, arg_start);
	arg_end = BPF_CORE_READ(task, mm, arg_end);
	len = arg_end > arg_start ? arg_end - arg_start : 0;
	if (len > EXEC_ARGS_MAX) {
		len = EXEC_ARGS_MAX;
		event->args_truncated = 1;
	}
	barrier_var(len);
	if (bpf_probe_read_user(s->record.data, len, (const void *)arg_start))
		len = 0;
	event->args_size = len;
	off = len;

	if (with_paths)
		off = append_paths(s, task, off);
	emit(s, off);
	return 0;
}

static __always_inline int save_args(const char *filename, const char *const *argv)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct syscall_args args = { .filename = filename, .argv = argv };

	if (ignore_errors || gadget_should_discard_mntns_id(gadget_current_mntns_id()))
		return 0;
	bpf_map_update_elem(&pending_execs, &tid, &args, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int trace_execve_enter(struct trace_event_raw_sys_enter *ctx)
{
	return save_args((const char *)ctx->args[0], (const char *const *)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int trace_execveat_enter(struct trace_event_raw_sys_enter *ctx)
{
	return save_args((const char *)ctx->args[1], (const char *const *)ctx->args[2]);
}

static __always_inline int report_failure(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct syscall_args *args = bpf_map_lookup_elem(&pending_execs, &tid);
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct exec_scratch *s;
	__u64 off = 0;

	if (!args)
		return 0;
	const char *const *argv = args->argv;
	bpf_map_delete_elem(&pending_execs, &tid);
	if (ret >= 0)
		return 0; /* reported by sched_process_exec */
	s = get_scratch();
	if (!s)
		return 0;

	struct exec_event *event = &s->record.event;
	fill_process(event, task, gadget_task_mntns_id(task));
	event->error = -ret;

	for (int i = 0; i < EXEC_FAILED_MAX_ARGS; i++) {
		const char *arg = NULL;
		long n;

		if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i]) || !arg)
			break;
		if (off >= EXEC_ARGS_MAX) {
			event->args_truncated = 1;
			break;
		}
		barrier_var(off);
		n = bpf_probe_read_user_str(&s->record.data[off], EXEC_ARGS_MAX - off, arg);
		if (n <= 0)
			break;
		off += n;
		if (off >= EXEC_ARGS_MAX) {
			/* The string filled the rest: it may have been cut. */
			event->args_truncated = 1;
			break;
		}
		if (i == EXEC_FAILED_MAX_ARGS - 1)
			event->args_truncated = 1;
	}
	event->args_size = off;

	if (with_paths)
		off = append_paths(s, task, off);
	emit(s, off);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int trace_execve_exit(struct trace_event_raw_sys_exit *ctx)
{
	return report_failure(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int trace_execveat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return report_failure(ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
