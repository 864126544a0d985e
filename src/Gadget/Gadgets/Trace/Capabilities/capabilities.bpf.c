// SPDX-License-Identifier: GPL-2.0
/*
 * trace capabilities: one event per capability check of the commoncap LSM
 * (cap_capable), with its verdict.
 *
 * The capability:cap_capable tracepoint (Linux 6.14 and later) fires at the
 * end of the check, with the verdict. It does not carry the options of the
 * check (CAP_OPT_NOAUDIT, CAP_OPT_INSETID): these are chosen by the function
 * that asked (ns_capable_noaudit, ns_capable_setid, ...), so the program finds
 * that function on the kernel stack, the first frame below cap_capable and
 * security_capable, and looks it up in a table of address ranges that user
 * space builds from /proc/kallsyms. Older kernels get the options directly
 * from a kprobe on cap_capable, where kprobes exist (user space decides).
 *
 * The system call that led to the check is read from the task's saved user
 * registers (orig_ax), so nothing is tracked between syscall entry and exit.
 */
#include "gadget.h"

#define CAP_STACK_DEPTH 8
#define CAP_CALLERS_MAX 32
#define CAP_UNIQUE_MAX 10240
#define CAP_PENDING_MAX 10240

/* include/linux/security.h */
#define CAP_OPT_NOAUDIT (1U << 1)
#define CAP_OPT_INSETID (1U << 2)

#define PF_KTHREAD 0x00200000

/* What a code range of the kernel is to the stack walk. */
enum cap_caller_kind {
	CAP_CALLER_OTHER,            /* audited, no INSETID */
	CAP_CALLER_CHECK,            /* cap_capable itself: the walk starts below it */
	CAP_CALLER_PASS,             /* security_capable: passes the options through */
	CAP_CALLER_NOAUDIT,          /* asks with CAP_OPT_NOAUDIT */
	CAP_CALLER_INSETID,          /* asks with CAP_OPT_INSETID */
};

struct cap_caller {
	__u64 start;
	__u64 end;
	__u32 kind;
	__u32 pad;
};

struct capabilities_event {
	struct gadget_event_header header;
	__s32 syscall;  /* x86-64 number, -1 outside a system call */
	__s32 cap;
	__s32 ret;      /* 0: allowed, else the negative errno */
	__u8 audit;     /* 1 unless the check asked not to be audited */
	__s8 insetid;   /* CAP_OPT_INSETID: 1 or 0, -1 unknown */
	__u16 pad;
	__u64 target_userns;
	__u64 current_userns;
	__u64 caps;     /* effective capabilities of the checked credentials */
};

struct unique_key {
	gadget_mntns_id mntns_id;
	__s32 cap;
	__u32 pad;
};

struct pending_check {
	const struct cred *cred;
	struct user_namespace *target_ns;
	__s32 cap;
	__u32 opts;
};

const volatile bool audit_only = true;
const volatile bool unique = false;
const volatile bool with_syscall = true;  /* bpf_task_pt_regs exists (5.15) */
const volatile __u32 caller_count = 0;   /* entries of cap_callers in use */
const volatile __u32 self_pid = 0;       /* ig itself: its bpf() calls check capabilities too */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CAP_CALLERS_MAX);
	__type(key, __u32);
	__type(value, struct cap_caller);
} cap_callers SEC(".maps");

/* (container, capability) pairs already shown, for --unique. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, CAP_UNIQUE_MAX);
	__type(key, struct unique_key);
	__type(value, __u8);
} seen SEC(".maps");

/* Checks between kprobe and kretprobe, by thread id (older kernels only). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, CAP_PENDING_MAX);
	__type(key, __u32);
	__type(value, struct pending_check);
} pending_checks SEC(".maps");

GADGET_EVENT(capabilities_event);

/* The kind of the code at address ip. Global: verified once. */
__noinline int cap_caller_kind(__u64 ip)
{
	for (__u32 i = 0; i < CAP_CALLERS_MAX && i < caller_count; i++) {
		__u32 key = i;
		struct cap_caller *caller = bpf_map_lookup_elem(&cap_callers, &key);

		if (caller && ip >= caller->start && ip < caller->end)
			return caller->kind;
	}
	return CAP_CALLER_OTHER;
}

/* The options the caller of the check asked for, found on the kernel stack;
 * -1 when they cannot be known. */
static __always_inline int options_from_stack(void *ctx)
{
	__u64 stack[CAP_STACK_DEPTH];
	bool below_check = false;
	long size;

	if (!caller_count)
		return -1;
	size = bpf_get_stack(ctx, stack, sizeof(stack), 0);
	if (size <= 0)
		return -1;
	for (int i = 0; i < CAP_STACK_DEPTH; i++) {
		if (i >= size / 8)
			break;
		int kind = cap_caller_kind(stack[i]);

		if (!below_check) {
			below_check = kind == CAP_CALLER_CHECK;
			continue;
		}
		if (kind == CAP_CALLER_CHECK || kind == CAP_CALLER_PASS)
			continue;
		if (kind == CAP_CALLER_NOAUDIT)
			return CAP_OPT_NOAUDIT;
		if (kind == CAP_CALLER_INSETID)
			return CAP_OPT_INSETID;
		return 0;
	}
	return -1;
}

static __always_inline __s32 current_syscall(void)
{
	struct task_struct *task;
	struct pt_regs *regs;

	if (!with_syscall)
		return -1;
	task = bpf_get_current_task_btf();
	if (BPF_CORE_READ(task, flags) & PF_KTHREAD)
		return -1;
	regs = (struct pt_regs *)bpf_task_pt_regs(task);
	return BPF_CORE_READ(regs, orig_ax);
}

/* opts: the CAP_OPT_* of the check, or -1 when unknown. */
static __always_inline int report(const struct cred *cred, struct user_namespace *target_ns,
				  int cap, int ret, int opts)
{
	gadget_mntns_id mntns_id = gadget_current_mntns_id();
	struct capabilities_event *event;
	bool audit = opts < 0 || !(opts & CAP_OPT_NOAUDIT);

	if (gadget_should_discard_mntns_id(mntns_id))
		return 0;
	if (self_pid && (bpf_get_current_pid_tgid() >> 32) == self_pid)
		return 0;
	if (audit_only && !audit)
		return 0;
	if (unique) {
		struct unique_key key = { .mntns_id = mntns_id, .cap = cap };
		__u8 one = 1;

		/* Only the first check of each capability per container passes. */
		if (bpf_map_update_elem(&seen, &key, &one, BPF_NOEXIST))
			return 0;
	}

	event = gadget_reserve(sizeof(*event));
	if (!event)
		return 0;
	gadget_fill_header(&event->header, mntns_id);
	event->syscall = current_syscall();
	event->cap = cap;
	event->ret = ret;
	event->audit = audit;
	event->insetid = opts < 0 ? -1 : (opts & CAP_OPT_INSETID) != 0;
	event->pad = 0;
	event->target_userns = BPF_CORE_READ(target_ns, ns.inum);
	event->current_userns = BPF_CORE_READ(cred, user_ns, ns.inum);
	/* kernel_cap_t is a u64 since 6.3, two u32 before: the same 8 bytes. */
	event->caps = 0;
	bpf_core_read(&event->caps, sizeof(event->caps), &cred->cap_effective);
	gadget_submit(event);
	return 0;
}

SEC("raw_tp/cap_capable")
int BPF_PROG(trace_cap_capable, const struct cred *cred, struct user_namespace *target_ns,
	     const struct user_namespace *capable_ns, int cap, int ret)
{
	return report(cred, target_ns, cap, ret, options_from_stack(ctx));
}

/* Before the tracepoint: the options are the fourth argument of cap_capable,
 * the verdict its result. */
SEC("kprobe/cap_capable")
int BPF_KPROBE(trace_cap_capable_entry, const struct cred *cred, struct user_namespace *target_ns,
	       int cap, unsigned int opts)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending_check check = { .cred = cred, .target_ns = target_ns, .cap = cap, .opts = opts };

	bpf_map_update_elem(&pending_checks, &tid, &check, BPF_ANY);
	return 0;
}

SEC("kretprobe/cap_capable")
int BPF_KRETPROBE(trace_cap_capable_exit, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending_check *found = bpf_map_lookup_elem(&pending_checks, &tid);
	struct pending_check check;

	if (!found)
		return 0;
	check = *found;
	bpf_map_delete_elem(&pending_checks, &tid);
	return report(check.cred, check.target_ns, check.cap, ret, check.opts);
}

char LICENSE[] SEC("license") = "GPL";
