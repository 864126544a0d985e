// SPDX-License-Identifier: GPL-2.0
/* Programs of every attach kind the binding offers, each counting what it sees in its own
 * slot of "hits", so tests can check that each attach path really works. */
#include "gadget.h"

enum {
	HIT_TRACEPOINT,
	HIT_RAW_TRACEPOINT,
	HIT_BTF_TRACEPOINT,
	HIT_PERF_EVENT,
	HIT_SOCKET,
	HIT_COUNT,
};

/* Set by the test: only this process's activity counts. */
const volatile __u32 target_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HIT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

/* Keys written from user space, to test iteration and deletion. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} scratch_keys SEC(".maps");

static __always_inline void hit(__u32 slot)
{
	__u64 *count = bpf_map_lookup_elem(&hits, &slot);

	if (count)
		__sync_fetch_and_add(count, 1);
}

static __always_inline bool is_target(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("tracepoint/syscalls/sys_enter_getcwd")
int on_getcwd(void *ctx)
{
	if (is_target())
		hit(HIT_TRACEPOINT);
	return 0;
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(on_fork_raw, struct task_struct *parent, struct task_struct *child)
{
	if (BPF_CORE_READ(parent, tgid) == target_tgid)
		hit(HIT_RAW_TRACEPOINT);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork_btf, struct task_struct *parent, struct task_struct *child)
{
	if (parent->tgid == target_tgid)
		hit(HIT_BTF_TRACEPOINT);
	return 0;
}

SEC("perf_event")
int on_sample(struct bpf_perf_event_data *ctx)
{
	hit(HIT_PERF_EVENT);
	return 0;
}

SEC("socket")
int on_packet(struct __sk_buff *skb)
{
	hit(HIT_SOCKET);
	return skb->len; /* keep the whole packet */
}

SEC("iter/task")
int dump_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;

	if (task && task->pid == task->tgid)
		BPF_SEQ_PRINTF(ctx->meta->seq, "%d %s\n", task->tgid, task->comm);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
