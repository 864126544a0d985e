// SPDX-License-Identifier: GPL-2.0
/*
 * trace mount: one event per mount(2) and umount2(2), with its arguments, its
 * result and how long it took.
 *
 * The entry hook remembers the time and the argument pointers; the exit hook
 * reads the strings, after the kernel copied them (so their pages are in and
 * the reads do not fail), and emits one record with the strings packed behind
 * the event.
 *
 * A call that seccomp refuses (Docker's default profile refuses mount to
 * containers without CAP_SYS_ADMIN) never reaches the entry tracepoint, only
 * the exit one: there the arguments come from the task's saved registers, and
 * the latency is 0.
 */
#include "gadget.h"

#define MOUNT_PENDING_MAX 10240
#define MOUNT_PATH_MAX 4096 /* source, target: PATH_MAX */
#define MOUNT_FS_MAX 256    /* file system type names are short */
#define MOUNT_OPTIONS_MAX 4096 /* the kernel copies at most a page of options */
#define MOUNT_DATA_MAX (2 * MOUNT_PATH_MAX + MOUNT_FS_MAX + MOUNT_OPTIONS_MAX)

enum mount_op {
	MOUNT_OP_MOUNT,
	MOUNT_OP_UMOUNT,
};

struct mount_event {
	struct gadget_event_header header;
	__u64 latency; /* nanoseconds from syscall entry to exit */
	__u64 flags;   /* MS_* for mount, MNT_* / UMOUNT_* for umount */
	__s32 ret;     /* 0, or the negative errno */
	__u32 op;      /* enum mount_op */
	/* NUL-terminated strings at the start of data, in this order; 0: none */
	__u16 source_size;
	__u16 target_size;
	__u16 fs_size;
	__u16 data_size;
	char data[];
};

struct mount_record {
	struct mount_event event;
	char data[MOUNT_DATA_MAX];
};

struct pending_mount {
	__u64 start_ns;
	__u64 flags;
	const char *source;
	const char *target;
	const char *fs;
	const char *options;
	__u32 op;
};

/* bpf_task_pt_regs exists (5.15): calls seen only at exit can be reported. */
const volatile bool with_regs = true;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mount_record);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MOUNT_PENDING_MAX);
	__type(key, __u32);
	__type(value, struct pending_mount);
} pending_mounts SEC(".maps");

GADGET_EVENT(mount_event);

static __always_inline int mount_enter(struct pending_mount *pending)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (gadget_should_discard_mntns_id(gadget_current_mntns_id()))
		return 0;
	pending->start_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&pending_mounts, &tid, pending, BPF_ANY);
	return 0;
}

/* Reads a user string of at most max bytes into dst; returns its size, NUL
 * included, or 0 when there is none. */
static __always_inline __u16 read_string(char *dst, __u32 max, const char *src)
{
	long n;

	if (!src)
		return 0;
	n = bpf_probe_read_user_str(dst, max, src);
	return n > 0 ? n : 0;
}

SEC("tracepoint/syscalls/sys_enter_mount")
int trace_mount_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct pending_mount pending = {
		.source = (const char *)ctx->args[0],
		.target = (const char *)ctx->args[1],
		.fs = (const char *)ctx->args[2],
		.flags = ctx->args[3],
		.options = (const char *)ctx->args[4],
		.op = MOUNT_OP_MOUNT,
	};

	return mount_enter(&pending);
}

SEC("tracepoint/syscalls/sys_enter_umount")
int trace_umount_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct pending_mount pending = {
		.target = (const char *)ctx->args[0],
		.flags = ctx->args[1],
		.op = MOUNT_OP_UMOUNT,
	};

	return mount_enter(&pending);
}

/* The arguments of a call the entry hook did not see, from the saved registers. */
static __always_inline bool arguments_from_registers(struct pending_mount *pending, __u32 op)
{
	struct pt_regs *regs;

	if (!with_regs || gadget_should_discard_mntns_id(gadget_current_mntns_id()))
		return false;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	pending->op = op;
	pending->start_ns = 0;
	if (op == MOUNT_OP_UMOUNT) {
		pending->source = NULL;
		pending->target = (const char *)PT_REGS_PARM1_CORE_SYSCALL(regs);
		pending->fs = NULL;
		pending->flags = PT_REGS_PARM2_CORE_SYSCALL(regs);
		pending->options = NULL;
	} else {
		pending->source = (const char *)PT_REGS_PARM1_CORE_SYSCALL(regs);
		pending->target = (const char *)PT_REGS_PARM2_CORE_SYSCALL(regs);
		pending->fs = (const char *)PT_REGS_PARM3_CORE_SYSCALL(regs);
		pending->flags = PT_REGS_PARM4_CORE_SYSCALL(regs);
		pending->options = (const char *)PT_REGS_PARM5_CORE_SYSCALL(regs);
	}
	return true;
}

static __always_inline int mount_exit(long ret, __u32 op)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending_mount *found = bpf_map_lookup_elem(&pending_mounts, &tid);
	struct pending_mount pending;
	struct mount_record *record;
	__u32 zero = 0;
	__u64 off = 0;
	__u16 size;

	if (found) {
		pending = *found;
		bpf_map_delete_elem(&pending_mounts, &tid);
	} else if (!arguments_from_registers(&pending, op)) {
		return 0;
	}
	record = bpf_map_lookup_elem(&scratch, &zero);
	if (!record)
		return 0;

	struct mount_event *event = &record->event;

	gadget_fill_header(&event->header, gadget_current_mntns_id());
	event->latency = pending.start_ns ? bpf_ktime_get_ns() - pending.start_ns : 0;
	event->flags = pending.flags;
	event->ret = ret;
	event->op = pending.op;

	/* Each string starts where the previous one ended; the bounds tell the
	 * verifier that every read stays inside data. */
	size = read_string(&record->data[0], MOUNT_PATH_MAX, pending.source);
	event->source_size = size;
	off = size;
	if (off > MOUNT_PATH_MAX)
		off = MOUNT_PATH_MAX;
	barrier_var(off);

	size = read_string(&record->data[off], MOUNT_PATH_MAX, pending.target);
	event->target_size = size;
	off += size;
	if (off > 2 * MOUNT_PATH_MAX)
		off = 2 * MOUNT_PATH_MAX;
	barrier_var(off);

	size = read_string(&record->data[off], MOUNT_FS_MAX, pending.fs);
	event->fs_size = size;
	off += size;
	if (off > 2 * MOUNT_PATH_MAX + MOUNT_FS_MAX)
		off = 2 * MOUNT_PATH_MAX + MOUNT_FS_MAX;
	barrier_var(off);

	size = read_string(&record->data[off], MOUNT_OPTIONS_MAX, pending.options);
	event->data_size = size;
	off += size;
	if (off > MOUNT_DATA_MAX)
		off = MOUNT_DATA_MAX;
	barrier_var(off);

	gadget_output(record, sizeof(struct mount_event) + off);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_mount")
int trace_mount_exit(struct trace_event_raw_sys_exit *ctx)
{
	return mount_exit(ctx->ret, MOUNT_OP_MOUNT);
}

SEC("tracepoint/syscalls/sys_exit_umount")
int trace_umount_exit(struct trace_event_raw_sys_exit *ctx)
{
	return mount_exit(ctx->ret, MOUNT_OP_UMOUNT);
}

char LICENSE[] SEC("license") = "GPL";
