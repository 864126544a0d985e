// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot process: one pass of a task iterator, one record per process (or per
 * thread with show_threads) of the selected mount namespaces.
 *
 * Besides the records it keeps, the pass writes a small "seen" record for every
 * process the mount-namespace filter left out: user space completes the pass
 * from /proc (a task the iterator does not return, such as a protected init, or
 * one born during the pass), and must not read /proc for what the kernel
 * already decided against.
 */
#include "gadget.h"

enum snapshot_process_kind {
	SNAPSHOT_PROCESS_ENTRY = 1, /* a struct snapshot_process_entry */
	SNAPSHOT_PROCESS_SEEN = 2,  /* a struct snapshot_process_seen */
};

/* Record sizes are multiples of 8, so every record of the stream starts aligned. */
struct snapshot_process_entry {
	__u32 kind; /* SNAPSHOT_PROCESS_ENTRY */
	__u32 ppid; /* thread group id of the real parent, as /proc's PPid */
	struct gadget_event_header header; /* pid = tgid, tid = the task's own id */
};

struct snapshot_process_seen {
	__u32 kind; /* SNAPSHOT_PROCESS_SEEN */
	__u32 tgid;
};

const volatile bool show_threads = false;

GADGET_EVENT(snapshot_process_entry);
GADGET_EVENT(snapshot_process_seen);

SEC("iter/task")
int ig_snap_proc(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct snapshot_process_entry entry = {};
	struct task_struct *parent;
	gadget_mntns_id mntns_id;
	bool leader;

	if (!task)
		return 0;
	leader = task->tgid == task->pid;
	if (!show_threads && !leader)
		return 0;

	mntns_id = gadget_task_mntns_id(task);
	if (gadget_should_discard_mntns_id(mntns_id)) {
		if (leader) {
			struct snapshot_process_seen seen = { .kind = SNAPSHOT_PROCESS_SEEN, .tgid = task->tgid };

			bpf_seq_write(seq, &seen, sizeof(seen));
		}
		return 0;
	}

	entry.kind = SNAPSHOT_PROCESS_ENTRY;
	parent = task->real_parent;
	entry.ppid = parent ? parent->tgid : 0;
	entry.header.timestamp = bpf_ktime_get_boot_ns();
	entry.header.mntns_id = mntns_id;
	entry.header.pid = task->tgid;
	entry.header.tid = task->pid;
	entry.header.uid = task->cred->uid.val;
	entry.header.gid = task->cred->gid.val;
	__builtin_memcpy(entry.header.comm, task->comm, TASK_COMM_LEN);
	bpf_seq_write(seq, &entry, sizeof(entry));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
