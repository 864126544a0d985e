/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What every gadget program shares: the event header, the ring buffer with
 * batched wake-ups and a lost-event counter, and the mount-namespace filter.
 *
 * User space (src/Gadget/Runtime) relies on the names below: it sizes the
 * "events" ring buffer, reads "lost_events", fills "mntns_filter", shares
 * "new_mntns" with the runc watcher's object and sets the "gadget_*" read-only
 * constants before load.
 */
#ifndef GADGET_H
#define GADGET_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#define TASK_COMM_LEN 16
#define GADGET_MAX_CONTAINERS 1024

/* Semantic types: they tell the reader (and the BTF) what a number means. */
typedef __u64 gadget_mntns_id;
typedef __u64 gadget_timestamp; /* nanoseconds since boot (CLOCK_BOOTTIME) */
typedef __s32 gadget_errno;     /* 0 on success, a positive errno otherwise */
typedef __u64 gadget_netns_id;  /* inode number of a network namespace */

/* Address families (vmlinux.h has no macros). */
#define GADGET_AF_INET 2
#define GADGET_AF_INET6 10

/* The common prefix of every event record; C# mirrors it as EventHeader. */
struct gadget_event_header {
	gadget_timestamp timestamp;
	gadget_mntns_id mntns_id;
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__u32 gid;
	char comm[TASK_COMM_LEN];
};

/* Set by user space before load; the verifier prunes the branches they turn off. */
const volatile bool gadget_filter_by_mntns = false;
/* The filter map lists the mount namespaces to leave out (--host with a container
 * selection: every container the selection does not name) instead of those to keep. */
const volatile bool gadget_mntns_filter_excludes = false;
/* Unread bytes in the ring above which a submit wakes the reader up. Below it,
 * the reader's periodic poll collects the batch, so one wake-up covers many
 * events instead of one each. */
const volatile __u64 gadget_wakeup_bytes = 256 * 1024;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024); /* resized by user space */
} events SEC(".maps");

/* Records that did not fit in the ring, per CPU; summed and reported by user space. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost_events SEC(".maps");

/* Mount namespaces whose events are wanted (or, see above, unwanted), kept in
 * sync with the containers. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GADGET_MAX_CONTAINERS);
	__type(key, gadget_mntns_id);
	__type(value, __u32);
} mntns_filter SEC(".maps");

/* Mount namespaces that root's container runtime (runc) has just made and user space
 * does not know yet. The runc watcher (src/Gadget/Containers/Runtimes/Runc) owns this
 * map; each stream gadget's object reuses it. While a namespace is listed here, the
 * filter keeps its events, and user space holds them until it knows the container:
 * no process waits for that, and a new container's first exec is not lost. */
struct gadget_new_mntns {
	gadget_timestamp created;
	gadget_timestamp started; /* its first exec, 0 before */
	__u32 pid;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, gadget_mntns_id);
	__type(value, struct gadget_new_mntns);
} new_mntns SEC(".maps");

/* Set when new_mntns is the watcher's (user space holds those events). */
const volatile bool gadget_keep_new_mntns = false;

static __always_inline gadget_mntns_id gadget_task_mntns_id(struct task_struct *task)
{
	return BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
}

/* The current task's mount namespace. Read through the BTF-typed task pointer: plain
 * loads instead of one bpf_probe_read_kernel call per hop, which matters because this runs
 * first, for every event, including those the filter then drops. */
static __always_inline gadget_mntns_id gadget_current_mntns_id(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	return task->nsproxy->mnt_ns->ns.inum;
}

/* True when the event of this mount namespace is not wanted. Without a filter
 * the constant is false and the map lookup is compiled out by the verifier. */
static __always_inline bool gadget_should_discard_mntns_id(gadget_mntns_id mntns_id)
{
	if (!gadget_filter_by_mntns)
		return false;
	bool listed = bpf_map_lookup_elem(&mntns_filter, &mntns_id) != NULL;
	if (gadget_mntns_filter_excludes)
		return listed;
	/* A namespace the runtime is making a container in: user space decides. */
	if (!listed && gadget_keep_new_mntns)
		return bpf_map_lookup_elem(&new_mntns, &mntns_id) == NULL;
	return !listed;
}

static __always_inline void gadget_count_lost(void)
{
	__u32 zero = 0;
	__u64 *count = bpf_map_lookup_elem(&lost_events, &zero);

	if (count)
		*count += 1; /* per-CPU slot: no other writer */
}

static __always_inline void gadget_fill_header(struct gadget_event_header *header,
					       gadget_mntns_id mntns_id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	header->timestamp = bpf_ktime_get_boot_ns();
	header->mntns_id = mntns_id;
	header->pid = pid_tgid >> 32;
	header->tid = (__u32)pid_tgid;
	header->uid = (__u32)uid_gid;
	header->gid = uid_gid >> 32;
	bpf_get_current_comm(header->comm, sizeof(header->comm));
}

static __always_inline __u64 gadget_wakeup_flags(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= gadget_wakeup_bytes ?
		       BPF_RB_FORCE_WAKEUP :
		       BPF_RB_NO_WAKEUP;
}

/* Reserves a fixed-size record; counts it as lost when the ring is full. */
static __always_inline void *gadget_reserve(__u64 size)
{
	void *record = bpf_ringbuf_reserve(&events, size, 0);

	if (!record)
		gadget_count_lost();
	return record;
}

static __always_inline void gadget_submit(void *record)
{
	bpf_ringbuf_submit(record, gadget_wakeup_flags());
}

/* Copies a variable-size record (built in a scratch buffer) into the ring. */
static __always_inline void gadget_output(void *data, __u64 size)
{
	if (bpf_ringbuf_output(&events, data, size, gadget_wakeup_flags()))
		gadget_count_lost();
}

/* Every program uses this to keep the event struct in the object's BTF, so the
 * C# mirror can be checked against it. */
#define GADGET_EVENT(type) const struct type *gadget_event_type_##type __attribute__((unused))

#endif /* GADGET_H */
