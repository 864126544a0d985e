// SPDX-License-Identifier: GPL-2.0
/*
 * profile block-io: a log2 histogram of block I/O latency in microseconds, from
 * issue to the device (block_rq_issue) to completion (block_rq_complete), kept
 * in the kernel and read once when the run stops.
 *
 * With per_disk and per_flag there is one histogram per disk and per set of
 * request flags (biolatency -D and -F). The flags are stored in an encoding of
 * our own (op in the low byte, BIOLAT_FLAG_* above it) so that user space need
 * not know which kernel numbered them how: the kernel's values come from its
 * BTF at load time (CO-RE enum relocations).
 *
 * With by_submitter, only requests made by tasks the mount-namespace filter
 * keeps count: block_io_start, in the submitter's context, marks them, and
 * block_rq_issue times only marked ones. Without it, every request counts.
 */
#include "gadget.h"

#define BIOLAT_MAX_REQUESTS 10240
#define BIOLAT_MAX_HISTOGRAMS 1024
#define BIOLAT_MAX_SLOTS 27
#define BIOLAT_DISK_NAME_LEN 32
#define BIOLAT_MINORBITS 20
#define BIOLAT_REQ_OP_MASK ((1 << 8) - 1)

/* Ops, as user space names them (RequestFlags.cs). */
enum biolat_op {
	BIOLAT_OP_READ,
	BIOLAT_OP_WRITE,
	BIOLAT_OP_FLUSH,
	BIOLAT_OP_DISCARD,
	BIOLAT_OP_SECURE_ERASE,
	BIOLAT_OP_ZONE_APPEND,
	BIOLAT_OP_WRITE_ZEROES,
	BIOLAT_OP_ZONE_OPEN,
	BIOLAT_OP_ZONE_CLOSE,
	BIOLAT_OP_ZONE_FINISH,
	BIOLAT_OP_ZONE_RESET,
	BIOLAT_OP_ZONE_RESET_ALL,
	BIOLAT_OP_DRV_IN,
	BIOLAT_OP_DRV_OUT,
	BIOLAT_OP_UNKNOWN = 255,
};

/* Flags, as user space names them, in the order biolatency prints them. */
enum biolat_flag {
	BIOLAT_FLAG_NOWAIT = 1 << 8,
	BIOLAT_FLAG_BACKGROUND = 1 << 9,
	BIOLAT_FLAG_RAHEAD = 1 << 10,
	BIOLAT_FLAG_PREFLUSH = 1 << 11,
	BIOLAT_FLAG_FUA = 1 << 12,
	BIOLAT_FLAG_INTEGRITY = 1 << 13,
	BIOLAT_FLAG_IDLE = 1 << 14,
	BIOLAT_FLAG_NOMERGE = 1 << 15,
	BIOLAT_FLAG_PRIO = 1 << 16,
	BIOLAT_FLAG_META = 1 << 17,
	BIOLAT_FLAG_SYNC = 1 << 18,
};

struct biolat_key {
	__u32 flags; /* biolat_op | biolat_flag bits, with per_flag */
	__u32 dev;   /* major << 20 | first minor, with per_disk */
};

struct biolat_hist {
	__u32 slots[BIOLAT_MAX_SLOTS];
	char disk[BIOLAT_DISK_NAME_LEN]; /* with per_disk */
};

const volatile bool per_disk = false;
const volatile bool per_flag = false;
const volatile bool by_submitter = false;

struct request___rq_disk {
	struct gendisk *rq_disk;
} __attribute__((preserve_access_index));

/* Issue time (ns) by request; 0 for a request marked at start, not issued yet. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BIOLAT_MAX_REQUESTS);
	__type(key, struct request *);
	__type(value, __u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BIOLAT_MAX_HISTOGRAMS);
	__type(key, struct biolat_key);
	__type(value, struct biolat_hist);
} hists SEC(".maps");

/* A zeroed histogram to create entries from: too big for the stack budget twice over. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct biolat_hist);
} scratch SEC(".maps");

GADGET_EVENT(biolat_key);
GADGET_EVENT(biolat_hist);

static __always_inline struct gendisk *biolat_disk(struct request *rq)
{
	struct request___rq_disk *old = (void *)rq;

	if (bpf_core_field_exists(old->rq_disk))
		return BPF_CORE_READ(old, rq_disk);
	return BPF_CORE_READ(rq, q, disk);
}

#define BIOLAT_OP(kernel, ours)                                                  \
	if (bpf_core_enum_value_exists(enum req_op, kernel) &&                    \
	    op == bpf_core_enum_value(enum req_op, kernel))                       \
		return ours
#define BIOLAT_FLAG(kernel, ours)                                                \
	if (bpf_core_enum_value_exists(enum req_flag_bits, kernel) &&             \
	    (cmd_flags & (1U << bpf_core_enum_value(enum req_flag_bits, kernel)))) \
		flags |= ours

static __always_inline __u32 biolat_op(__u32 op)
{
	BIOLAT_OP(REQ_OP_READ, BIOLAT_OP_READ);
	BIOLAT_OP(REQ_OP_WRITE, BIOLAT_OP_WRITE);
	BIOLAT_OP(REQ_OP_FLUSH, BIOLAT_OP_FLUSH);
	BIOLAT_OP(REQ_OP_DISCARD, BIOLAT_OP_DISCARD);
	BIOLAT_OP(REQ_OP_SECURE_ERASE, BIOLAT_OP_SECURE_ERASE);
	BIOLAT_OP(REQ_OP_ZONE_APPEND, BIOLAT_OP_ZONE_APPEND);
	BIOLAT_OP(REQ_OP_WRITE_ZEROES, BIOLAT_OP_WRITE_ZEROES);
	BIOLAT_OP(REQ_OP_ZONE_OPEN, BIOLAT_OP_ZONE_OPEN);
	BIOLAT_OP(REQ_OP_ZONE_CLOSE, BIOLAT_OP_ZONE_CLOSE);
	BIOLAT_OP(REQ_OP_ZONE_FINISH, BIOLAT_OP_ZONE_FINISH);
	BIOLAT_OP(REQ_OP_ZONE_RESET, BIOLAT_OP_ZONE_RESET);
	BIOLAT_OP(REQ_OP_ZONE_RESET_ALL, BIOLAT_OP_ZONE_RESET_ALL);
	BIOLAT_OP(REQ_OP_DRV_IN, BIOLAT_OP_DRV_IN);
	BIOLAT_OP(REQ_OP_DRV_OUT, BIOLAT_OP_DRV_OUT);
	return BIOLAT_OP_UNKNOWN;
}

static __always_inline __u32 biolat_flags(__u32 cmd_flags)
{
	__u32 flags = biolat_op(cmd_flags & BIOLAT_REQ_OP_MASK);

	BIOLAT_FLAG(__REQ_NOWAIT, BIOLAT_FLAG_NOWAIT);
	BIOLAT_FLAG(__REQ_BACKGROUND, BIOLAT_FLAG_BACKGROUND);
	BIOLAT_FLAG(__REQ_RAHEAD, BIOLAT_FLAG_RAHEAD);
	BIOLAT_FLAG(__REQ_PREFLUSH, BIOLAT_FLAG_PREFLUSH);
	BIOLAT_FLAG(__REQ_FUA, BIOLAT_FLAG_FUA);
	BIOLAT_FLAG(__REQ_INTEGRITY, BIOLAT_FLAG_INTEGRITY);
	BIOLAT_FLAG(__REQ_IDLE, BIOLAT_FLAG_IDLE);
	BIOLAT_FLAG(__REQ_NOMERGE, BIOLAT_FLAG_NOMERGE);
	BIOLAT_FLAG(__REQ_PRIO, BIOLAT_FLAG_PRIO);
	BIOLAT_FLAG(__REQ_META, BIOLAT_FLAG_META);
	BIOLAT_FLAG(__REQ_SYNC, BIOLAT_FLAG_SYNC);
	return flags;
}

/* floor(log2(v)), 0 for 0 and 1: slot i holds [2^i, 2^(i+1) - 1], slot 0 also 0. */
static __always_inline __u32 biolat_log2(__u64 v)
{
	__u32 r = 0, shift;

	shift = (v > 0xFFFFFFFFULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xFFFF) << 4; v >>= shift; r |= shift;
	shift = (v > 0xFF) << 3; v >>= shift; r |= shift;
	shift = (v > 0xF) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

SEC("tp_btf/block_io_start")
int BPF_PROG(biolat_start, struct request *rq)
{
	__u64 zero = 0;

	if (gadget_should_discard_mntns_id(gadget_current_mntns_id()))
		return 0;
	bpf_map_update_elem(&start, &rq, &zero, BPF_ANY);
	return 0;
}

SEC("raw_tp/block_rq_issue")
int BPF_PROG(biolat_issue, struct request *rq)
{
	__u64 now = bpf_ktime_get_ns();

	/* With by_submitter only requests block_io_start kept have an entry to update. */
	bpf_map_update_elem(&start, &rq, &now, by_submitter ? BPF_EXIST : BPF_ANY);
	return 0;
}

SEC("raw_tp/block_rq_complete")
int BPF_PROG(biolat_complete, struct request *rq, int error, unsigned int nr_bytes)
{
	__u64 now = bpf_ktime_get_ns(), *issued, slot;
	struct biolat_key key = {};
	struct biolat_hist *hist;
	__u32 zero = 0;

	issued = bpf_map_lookup_elem(&start, &rq);
	if (!issued)
		return 0;
	if (!*issued || now < *issued)
		goto out;

	if (per_disk) {
		struct gendisk *disk = biolat_disk(rq);

		key.dev = disk ? (BPF_CORE_READ(disk, major) << BIOLAT_MINORBITS) |
					 BPF_CORE_READ(disk, first_minor) :
				 0;
	}
	if (per_flag)
		key.flags = biolat_flags(BPF_CORE_READ(rq, cmd_flags));

	hist = bpf_map_lookup_elem(&hists, &key);
	if (!hist) {
		struct biolat_hist *initial = bpf_map_lookup_elem(&scratch, &zero);

		if (!initial)
			goto out;
		initial->disk[0] = 0; /* the slot is reused: no name of an earlier disk */
		if (per_disk) {
			struct gendisk *disk = biolat_disk(rq);

			if (disk)
				BPF_CORE_READ_STR_INTO(&initial->disk, disk, disk_name);
		}
		bpf_map_update_elem(&hists, &key, initial, BPF_NOEXIST);
		hist = bpf_map_lookup_elem(&hists, &key);
		if (!hist) {
			gadget_count_lost(); /* more histograms than the map holds */
			goto out;
		}
	}

	slot = biolat_log2((now - *issued) / 1000);
	if (slot >= BIOLAT_MAX_SLOTS)
		slot = BIOLAT_MAX_SLOTS - 1;
	__sync_fetch_and_add(&hist->slots[slot], 1);
out:
	/* Counted once, at its first completion: as biolatency does. */
	bpf_map_delete_elem(&start, &rq);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
