// SPDX-License-Identifier: GPL-2.0
/*
 * The runc watcher: sees containers being made without ever making anyone wait.
 *
 * - Every exec of a runc binary (matched by inode) by root is reported with its
 *   arguments, so user space learns `runc start <id>` and its --root even after
 *   the process is gone. Such a process and everything it forks is a "runtime task".
 * - When a runtime task gets a mount namespace it did not have (unshare or clone
 *   with CLONE_NEWNS; setns only joins one that exists), that namespace is new:
 *   it goes into new_mntns (gadget.h), whose entries every gadget's filter keeps,
 *   and user space is told. User space holds the events of such a namespace
 *   until it knows the container, then attributes or drops them, and removes the
 *   entry. The first exec of a runtime task inside a new namespace is the
 *   container's first program: reported too (its pid is the container's init).
 *
 * Nothing here waits on user space; a full ring or map only loses a report,
 * which user space notices (lost_events, the marks counter) and recovers from by
 * reading new_mntns.
 */
#include "gadget.h"

#define RUNC_ARGS_MAX 1024 /* bytes of arguments: runc's are about 250 */
#define RUNTIME_TASKS_MAX 16384

enum watch_kind {
	WATCH_RUNC_EXEC = 1, /* a runc binary was exec'd by root */
	WATCH_MNTNS_NEW = 2, /* a runtime task made a new mount namespace */
	WATCH_MNTNS_START = 3, /* the first exec of a runtime task in a new namespace */
};

struct watch_event {
	__u32 kind;
	__u32 pid; /* thread group id */
	gadget_mntns_id mntns_id;
	gadget_timestamp timestamp;
	__u32 args_size; /* WATCH_RUNC_EXEC: NUL-separated arguments in args */
	__u32 pad;
	char args[RUNC_ARGS_MAX];
};

struct runc_binary {
	__u32 dev; /* the kernel's dev_t of the file system (MAJOR << 20 | MINOR) */
	__u32 pad;
	__u64 ino;
};

/* The host's mount namespace, set before load. */
const volatile gadget_mntns_id host_mntns_id = 0;

/* Reports of new namespaces made, and of marks that did not fit in new_mntns. */
__u64 marks = 0;
__u64 mark_failures = 0;

/* The runc binaries to watch, filled by user space. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct runc_binary);
	__type(value, __u8);
} runc_binaries SEC(".maps");

/* Runtime tasks by thread id: the mount namespace each was last seen in. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RUNTIME_TASKS_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, gadget_mntns_id);
} runtime_tasks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct watch_event);
} watch_scratch SEC(".maps");

GADGET_EVENT(watch_event);

static __always_inline void report(__u32 kind, __u32 pid, gadget_mntns_id mntns_id)
{
	struct watch_event *event = gadget_reserve(sizeof(*event));

	if (!event)
		return;
	event->kind = kind;
	event->pid = pid;
	event->mntns_id = mntns_id;
	event->timestamp = bpf_ktime_get_boot_ns();
	event->args_size = 0;
	event->pad = 0;
	/* Few and urgent: wake the reader at once. */
	bpf_ringbuf_submit(event, BPF_RB_FORCE_WAKEUP);
}

/* A runtime task now lives in mntns_id, which it did not before: a new namespace. */
static __always_inline void mark_new(gadget_mntns_id mntns_id, __u32 pid)
{
	struct gadget_new_mntns entry = { .created = bpf_ktime_get_boot_ns(), .pid = pid };

	if (mntns_id == 0 || mntns_id == host_mntns_id)
		return;
	if (bpf_map_update_elem(&new_mntns, &mntns_id, &entry, BPF_NOEXIST) == 0) {
		__sync_fetch_and_add(&marks, 1);
		report(WATCH_MNTNS_NEW, pid, mntns_id);
	} else if (!bpf_map_lookup_elem(&new_mntns, &mntns_id)) {
		__sync_fetch_and_add(&mark_failures, 1);
	}
}

static __always_inline bool is_runc_binary(struct linux_binprm *bprm)
{
	struct inode *inode = BPF_CORE_READ(bprm, file, f_inode);
	struct runc_binary key = {
		.dev = BPF_CORE_READ(inode, i_sb, s_dev),
		.ino = BPF_CORE_READ(inode, i_ino),
	};

	return bpf_map_lookup_elem(&runc_binaries, &key) != NULL;
}

static __always_inline void report_runc_exec(struct task_struct *task, gadget_mntns_id mntns_id)
{
	__u32 zero = 0;
	struct watch_event *event = bpf_map_lookup_elem(&watch_scratch, &zero);
	unsigned long arg_start, arg_end;
	__u64 len;

	if (!event)
		return;
	event->kind = WATCH_RUNC_EXEC;
	event->pid = BPF_CORE_READ(task, tgid);
	event->mntns_id = mntns_id;
	event->timestamp = bpf_ktime_get_boot_ns();
	event->pad = 0;
	arg_start = BPF_CORE_READ(task, mm, arg_start);
	arg_end = BPF_CORE_READ(task, mm, arg_end);
	len = arg_end > arg_start ? arg_end - arg_start : 0;
	if (len > RUNC_ARGS_MAX)
		len = RUNC_ARGS_MAX;
	barrier_var(len);
	if (bpf_probe_read_user(event->args, len, (const void *)arg_start))
		len = 0;
	event->args_size = len;
	if (bpf_ringbuf_output(&events, event, sizeof(*event), BPF_RB_FORCE_WAKEUP))
		gadget_count_lost();
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(runc_watch_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	gadget_mntns_id mntns_id = gadget_task_mntns_id(task);
	__u32 tid = BPF_CORE_READ(task, pid);
	__u32 old_tid = old_pid;
	gadget_mntns_id *seen;

	if (is_runc_binary(bprm)) {
		const struct cred *cred = BPF_CORE_READ(task, cred);

		/* Only root's runtime is trusted: another user's runc makes no container of ours. */
		if (BPF_CORE_READ(cred, uid.val) != 0 || BPF_CORE_READ(cred, euid.val) != 0)
			return 0;
		bpf_map_update_elem(&runtime_tasks, &tid, &mntns_id, BPF_ANY);
		report_runc_exec(task, mntns_id);
		return 0;
	}
	/* A Go thread other than the leader may call execve: it was tracked by its own id. */
	seen = bpf_map_lookup_elem(&runtime_tasks, &old_tid);
	if (!seen)
		return 0;
	/* runc re-executing itself (from a memfd copy) stays in the host's namespace. */
	if (mntns_id == host_mntns_id)
		return 0;
	struct gadget_new_mntns *entry = bpf_map_lookup_elem(&new_mntns, &mntns_id);

	if (entry && !entry->started) {
		entry->started = bpf_ktime_get_boot_ns();
		report(WATCH_MNTNS_START, BPF_CORE_READ(task, tgid), mntns_id);
	}
	/* The container's own programs (or a `runc exec`'s) are no runtime tasks. */
	bpf_map_delete_elem(&runtime_tasks, &old_tid);
	if (tid != old_tid)
		bpf_map_delete_elem(&runtime_tasks, &tid);
	return 0;
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(runc_watch_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 parent_tid = BPF_CORE_READ(parent, pid);
	__u32 child_tid = BPF_CORE_READ(child, pid);
	gadget_mntns_id *seen = bpf_map_lookup_elem(&runtime_tasks, &parent_tid);
	gadget_mntns_id mntns_id;

	if (!seen)
		return 0;
	mntns_id = gadget_task_mntns_id(child);
	/* clone(CLONE_NEWNS) */
	if (mntns_id != *seen)
		mark_new(mntns_id, BPF_CORE_READ(child, tgid));
	bpf_map_update_elem(&runtime_tasks, &child_tid, &mntns_id, BPF_ANY);
	return 0;
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(runc_watch_exit, struct task_struct *task)
{
	__u32 tid = BPF_CORE_READ(task, pid);

	bpf_map_delete_elem(&runtime_tasks, &tid);
	return 0;
}

static __always_inline gadget_mntns_id *current_runtime_task(__u32 *tid)
{
	*tid = (__u32)bpf_get_current_pid_tgid();
	return bpf_map_lookup_elem(&runtime_tasks, tid);
}

/* unshare(CLONE_NEWNS): the task's namespace changes to a new one. */
SEC("tracepoint/syscalls/sys_exit_unshare")
int runc_watch_unshare(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid;
	gadget_mntns_id *seen = current_runtime_task(&tid);
	gadget_mntns_id mntns_id;

	if (!seen || ctx->ret != 0)
		return 0;
	mntns_id = gadget_current_mntns_id();
	if (mntns_id != *seen) {
		mark_new(mntns_id, bpf_get_current_pid_tgid() >> 32);
		*seen = mntns_id;
	}
	return 0;
}

/* setns: `runc exec` joins a container's namespace, which is not new. */
SEC("tracepoint/syscalls/sys_exit_setns")
int runc_watch_setns(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid;
	gadget_mntns_id *seen = current_runtime_task(&tid);

	if (seen && ctx->ret == 0)
		*seen = gadget_current_mntns_id();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
