// SPDX-License-Identifier: GPL-2.0
/*
 * trace oomkill: one event per process the OOM killer kills.
 *
 * oom:mark_victim fires in the task that ran the OOM killer (the one whose
 * allocation or memory cgroup charge failed) with the victim as argument: the
 * killer is the current task, the victim the argument. The event belongs to
 * the victim's container, so its mount namespace is the victim's. Kernels
 * before 6.8 pass only the victim's pid; there a kprobe on oom_kill_process
 * serves instead, where kprobes exist.
 *
 * The reference reports the size of the memory domain that ran out
 * (oom_control.totalpages), which the tracepoint does not carry: it is found
 * again as the limit of the victim's closest memory cgroup that is full, or,
 * when none is, the memory of the machine (RAM and swap, set by user space).
 */
#include "gadget.h"

/* A page counter at or above this many pages has no limit (PAGE_COUNTER_MAX is
 * LONG_MAX / PAGE_SIZE; no machine has 2^40 pages). */
#define OOM_UNLIMITED_PAGES (1ULL << 40)
#define OOM_MEMCG_DEPTH 16

struct oomkill_event {
	struct gadget_event_header header; /* the victim */
	__u32 kpid;   /* killed process */
	__u32 tpid;   /* process that triggered the OOM killer */
	__u32 tuid;
	__u32 tgid;
	__u64 pages;  /* size of the memory domain that ran out, in pages */
	char kcomm[TASK_COMM_LEN];
	char tcomm[TASK_COMM_LEN];
};

/* RAM and swap of the machine in pages: the domain of a global OOM. */
const volatile __u64 machine_pages = 0;

GADGET_EVENT(oomkill_event);

/* The limit of the nearest memory cgroup above the victim that is at its limit. */
static __always_inline __u64 memcg_limit_pages(struct task_struct *victim)
{
	struct cgroup_subsys_state *css = NULL;
	struct page_counter *counter;
	struct css_set *cgroups;
	int id;

	if (!bpf_core_type_exists(struct mem_cgroup) ||
	    !bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id))
		return 0;
	id = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
	cgroups = BPF_CORE_READ(victim, cgroups);
	if (!cgroups || id < 0 || id >= 64)
		return 0;
	bpf_core_read(&css, sizeof(css), &cgroups->subsys[id]);
	if (!css)
		return 0;
	counter = &container_of(css, struct mem_cgroup, css)->memory;

	for (int i = 0; i < OOM_MEMCG_DEPTH && counter; i++) {
		__u64 max = BPF_CORE_READ(counter, max);
		__u64 usage = BPF_CORE_READ(counter, usage.counter);

		/* The charge that failed left the usage within a few pages of the
		 * limit; allow for what was freed since. */
		if (max < OOM_UNLIMITED_PAGES && usage + max / 32 + 64 >= max)
			return max;
		counter = BPF_CORE_READ(counter, parent);
	}
	return 0;
}

/* Reports the kill of victim by the current task; pages 0: find the domain. */
static __always_inline int report(struct task_struct *victim, __u64 pages)
{
	gadget_mntns_id mntns_id = gadget_task_mntns_id(victim);
	struct oomkill_event *event;
	__u64 pid_tgid, uid_gid;

	if (gadget_should_discard_mntns_id(mntns_id))
		return 0;
	event = gadget_reserve(sizeof(*event));
	if (!event)
		return 0;

	event->header.timestamp = bpf_ktime_get_boot_ns();
	event->header.mntns_id = mntns_id;
	event->header.pid = BPF_CORE_READ(victim, tgid);
	event->header.tid = BPF_CORE_READ(victim, pid);
	event->header.uid = BPF_CORE_READ(victim, cred, uid.val);
	event->header.gid = BPF_CORE_READ(victim, cred, gid.val);
	BPF_CORE_READ_STR_INTO(&event->header.comm, victim, comm);

	pid_tgid = bpf_get_current_pid_tgid();
	uid_gid = bpf_get_current_uid_gid();
	event->kpid = event->header.pid;
	event->tpid = pid_tgid >> 32;
	event->tuid = (__u32)uid_gid;
	event->tgid = uid_gid >> 32;
	__builtin_memcpy(event->kcomm, event->header.comm, TASK_COMM_LEN);
	bpf_get_current_comm(event->tcomm, sizeof(event->tcomm));
	if (!pages)
		pages = memcg_limit_pages(victim);
	event->pages = pages ? pages : machine_pages;
	gadget_submit(event);
	return 0;
}

/* Linux 6.8 and later pass the victim to the tracepoint. */
SEC("raw_tp/mark_victim")
int BPF_PROG(trace_mark_victim, struct task_struct *victim)
{
	return report(victim, 0);
}

/* Older kernels pass only its pid: there, a kprobe where the OOM killer
 * chose its victim, when kprobes are available (user space decides). */
SEC("kprobe/oom_kill_process")
int BPF_KPROBE(trace_oom_kill_process, struct oom_control *oc)
{
	return report(BPF_CORE_READ(oc, chosen), BPF_CORE_READ(oc, totalpages));
}

char LICENSE[] SEC("license") = "GPL";
