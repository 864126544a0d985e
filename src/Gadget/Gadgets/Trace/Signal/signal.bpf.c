// SPDX-License-Identifier: GPL-2.0
/*
 * trace signal: one event per signal sent.
 *
 * By default every signal the kernel generates is reported from
 * signal:signal_generate (whoever sends it: kill(2), the kernel on a fault, a
 * child's exit, a timer), with ret 0, or -EAGAIN when a real-time signal could
 * not be queued. A kill(2), tkill(2) or tgkill(2) that fails (no such process,
 * not permitted) never reaches signal_generate: it is reported at syscall exit
 * with the syscall's result. The entry hook remembers the arguments, and
 * signal_generate marks the call as reported so a successful send shows once.
 *
 * With kill_only, only those three syscalls are reported, all at exit, with
 * their result (what sigsnoop -k shows).
 *
 * A call that seccomp refuses never reaches the entry tracepoint, only the exit
 * one: its arguments then come from the task's saved registers.
 *
 * A dying task sends its last signals (SIGCHLD to its parent, the parent-death
 * signal to its children) after it has left its namespaces: its mount namespace
 * is then the one it had at sched_process_exit, remembered by thread id.
 */
#include "gadget.h"

#define SIGNAL_PENDING_MAX 10240
#define EAGAIN 11

struct signal_event {
	struct gadget_event_header header;
	__s32 tpid;   /* target thread (signal_generate) or the syscall's pid argument */
	__s32 sig;
	__s32 ret;    /* 0, or the negative errno of a failed send */
	__u32 pad;
};

/* A kill-family syscall in flight, by thread id. LRU: a process that kills
 * itself never reaches the exit hook, and its entry must not stay forever. */
struct pending_kill {
	__s32 tpid;
	__s32 sig;
	__u8 generated; /* signal_generate reported it already */
};

const volatile __u32 filtered_pid = 0;  /* only signals sent by this process */
const volatile __s32 target_signal = 0; /* only this signal */
const volatile bool failed_only = false;
const volatile bool kill_only = false;
const volatile bool with_regs = true; /* bpf_task_pt_regs exists (5.15) */

enum kill_syscall {
	KILL_SYSCALL_KILL,   /* kill(pid, sig), tkill(tid, sig) */
	KILL_SYSCALL_TGKILL, /* tgkill(tgid, tid, sig) */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SIGNAL_PENDING_MAX);
	__type(key, __u32);
	__type(value, struct pending_kill);
} pending_kills SEC(".maps");

/* The mount namespace of each exiting thread, for the signals it sends once its
 * nsproxy is gone. LRU: entries are not removed, the oldest make room. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SIGNAL_PENDING_MAX);
	__type(key, __u32);
	__type(value, gadget_mntns_id);
} exiting_mntns SEC(".maps");

GADGET_EVENT(signal_event);

/* The sender's mount namespace; for a task past exit_task_namespaces(), the one it left. */
static __always_inline gadget_mntns_id sender_mntns_id(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	gadget_mntns_id *left;
	__u32 tid;

	if (task->nsproxy)
		return task->nsproxy->mnt_ns->ns.inum;
	tid = (__u32)bpf_get_current_pid_tgid();
	left = bpf_map_lookup_elem(&exiting_mntns, &tid);
	return left ? *left : 0;
}

/* The filters that depend on the sender and the signal; the mount namespace first. */
static __always_inline bool discard(int sig)
{
	if (gadget_should_discard_mntns_id(sender_mntns_id()))
		return true;
	if (target_signal && sig != target_signal)
		return true;
	if (filtered_pid && (bpf_get_current_pid_tgid() >> 32) != filtered_pid)
		return true;
	return false;
}

static __always_inline void emit(__s32 tpid, __s32 sig, __s32 ret)
{
	struct signal_event *event = gadget_reserve(sizeof(*event));

	if (!event)
		return;
	gadget_fill_header(&event->header, sender_mntns_id());
	event->tpid = tpid;
	event->sig = sig;
	event->ret = ret;
	event->pad = 0;
	gadget_submit(event);
}

static __always_inline int kill_enter(__s32 tpid, __s32 sig)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending_kill pending = { .tpid = tpid, .sig = sig };

	if (discard(sig))
		return 0;
	bpf_map_update_elem(&pending_kills, &tid, &pending, BPF_ANY);
	return 0;
}

/* The arguments of a call the entry hook did not see, from the saved registers. */
static __always_inline bool arguments_from_registers(struct pending_kill *pending, enum kill_syscall syscall)
{
	struct pt_regs *regs;

	if (!with_regs)
		return false;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	if (syscall == KILL_SYSCALL_TGKILL) {
		pending->tpid = PT_REGS_PARM2_CORE_SYSCALL(regs);
		pending->sig = PT_REGS_PARM3_CORE_SYSCALL(regs);
	} else {
		pending->tpid = PT_REGS_PARM1_CORE_SYSCALL(regs);
		pending->sig = PT_REGS_PARM2_CORE_SYSCALL(regs);
	}
	pending->generated = 0;
	return !discard(pending->sig);
}

static __always_inline int kill_exit(long ret, enum kill_syscall syscall)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending_kill *pending = bpf_map_lookup_elem(&pending_kills, &tid);
	struct pending_kill copy = {};

	if (pending) {
		copy = *pending;
		bpf_map_delete_elem(&pending_kills, &tid);
	} else if (!arguments_from_registers(&copy, syscall)) {
		return 0;
	}
	if (failed_only && ret >= 0)
		return 0;
	/* Without kill_only, a send that got as far as signal_generate was reported
	 * there, one that succeeded without generating anything sent nothing, and
	 * signal 0 only asks whether the target exists. What is left is a failure. */
	if (!kill_only && (copy.generated || ret >= 0 || copy.sig == 0))
		return 0;
	emit(copy.tpid, copy.sig, ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_kill")
int trace_kill_enter(struct trace_event_raw_sys_enter *ctx)
{
	return kill_enter((__s32)ctx->args[0], (__s32)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_kill")
int trace_kill_exit(struct trace_event_raw_sys_exit *ctx)
{
	return kill_exit(ctx->ret, KILL_SYSCALL_KILL);
}

SEC("tracepoint/syscalls/sys_enter_tkill")
int trace_tkill_enter(struct trace_event_raw_sys_enter *ctx)
{
	return kill_enter((__s32)ctx->args[0], (__s32)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_tkill")
int trace_tkill_exit(struct trace_event_raw_sys_exit *ctx)
{
	return kill_exit(ctx->ret, KILL_SYSCALL_KILL);
}

SEC("tracepoint/syscalls/sys_enter_tgkill")
int trace_tgkill_enter(struct trace_event_raw_sys_enter *ctx)
{
	/* tgkill(tgid, tid, sig): the target is the thread. */
	return kill_enter((__s32)ctx->args[1], (__s32)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_tgkill")
int trace_tgkill_exit(struct trace_event_raw_sys_exit *ctx)
{
	return kill_exit(ctx->ret, KILL_SYSCALL_TGKILL);
}

SEC("tracepoint/signal/signal_generate")
int trace_signal_generate(struct trace_event_raw_signal_generate *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending_kill *pending;
	int sig = ctx->sig;
	/* The send fails only when a real-time signal cannot be queued; ignored,
	 * already pending and queued-without-info signals were sent all the same. */
	__s32 ret = ctx->result == TRACE_SIGNAL_OVERFLOW_FAIL ? -EAGAIN : 0;

	pending = bpf_map_lookup_elem(&pending_kills, &tid);
	if (pending)
		pending->generated = 1;
	if (discard(sig))
		return 0;
	if (failed_only && ret == 0)
		return 0;
	emit(ctx->pid, sig, ret);
	return 0;
}

SEC("tracepoint/sched/sched_process_exit")
int trace_sched_process_exit(void *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	gadget_mntns_id mntns = gadget_current_mntns_id();

	/* Only where its signals could be wanted: without a filter, everywhere. */
	if (!gadget_should_discard_mntns_id(mntns))
		bpf_map_update_elem(&exiting_mntns, &tid, &mntns, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
