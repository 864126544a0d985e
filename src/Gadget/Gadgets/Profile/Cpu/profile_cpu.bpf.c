// SPDX-License-Identifier: GPL-2.0
/*
 * profile cpu: samples the stacks of whatever runs on each CPU.
 *
 * One perf_event program per CPU (PERF_COUNT_SW_CPU_CLOCK at the requested
 * frequency) counts samples in a hash map keyed as the reference keys them
 * (process, mount namespace, user and kernel stack ids); the stacks themselves
 * live in a stack-trace map. User space takes both every second, so the stack
 * map only ever holds one second's stacks (fewer hash collisions) and the
 * processes are still alive when their memory maps are read for symbols.
 */
#include "gadget.h"

#define PROFILE_MAX_STACK_DEPTH 127 /* PERF_MAX_STACK_DEPTH */
#define PROFILE_MAX_ENTRIES 10240

/* The key of the counts map. A stack id below zero is the kernel's error
 * (-EFAULT: no user stack, a kernel thread; -EEXIST: its bucket of the stack
 * map held another stack) or -1 when that side was not asked for. */
struct profile_cpu_key {
	__u64 kernel_ip; /* the interrupted kernel address, as bcc keeps it */
	gadget_mntns_id mntns_id;
	__u32 pid;	/* thread group id */
	__s32 user_stack_id;
	__s32 kern_stack_id;
	char comm[TASK_COMM_LEN];
	__u32 pad;	/* explicit, so the hashed key has no uninitialised byte */
};

const volatile bool kernel_stacks_only = false;
const volatile bool user_stacks_only = false;

/* Sized by user space from the CPU count and the frequency. */
struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 8192);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, PROFILE_MAX_STACK_DEPTH * sizeof(__u64));
} stackmap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PROFILE_MAX_ENTRIES);
	__type(key, struct profile_cpu_key);
	__type(value, __u64);
} counts SEC(".maps");

GADGET_EVENT(profile_cpu_key);

static __always_inline bool is_kernel_addr(__u64 addr)
{
	/* x86-64 and arm64 kernels live in the upper half of the address space. */
	return addr >> 63;
}

SEC("perf_event")
int ig_prof_cpu(struct bpf_perf_event_data *ctx)
{
	gadget_mntns_id mntns_id = gadget_current_mntns_id();
	struct profile_cpu_key key = {};
	__u64 pid_tgid, one = 1, *count;

	if (gadget_should_discard_mntns_id(mntns_id))
		return 0;
	pid_tgid = bpf_get_current_pid_tgid();
	if ((__u32)pid_tgid == 0) /* the idle task */
		return 0;

	key.mntns_id = mntns_id;
	key.pid = pid_tgid >> 32;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	key.kern_stack_id = user_stacks_only ? -1 : bpf_get_stackid(ctx, &stackmap, 0);
	key.user_stack_id = kernel_stacks_only ? -1 : bpf_get_stackid(ctx, &stackmap, BPF_F_USER_STACK);
	if (key.kern_stack_id >= 0 && is_kernel_addr(PT_REGS_IP(&ctx->regs)))
		key.kernel_ip = PT_REGS_IP(&ctx->regs);

	count = bpf_map_lookup_elem(&counts, &key);
	if (count) {
		__sync_fetch_and_add(count, 1);
		return 0;
	}
	/* A new key. Another CPU may insert it meanwhile: then add to its count. */
	if (bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST) == 0)
		return 0;
	count = bpf_map_lookup_elem(&counts, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		gadget_count_lost(); /* the map is full until user space takes it */
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
