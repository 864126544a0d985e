// SPDX-License-Identifier: GPL-2.0
/*
 * top block-io: block device I/O per process and device, summed in the kernel
 * and read (and reset) by user space every interval.
 *
 * A request is followed through three hooks, keyed by its struct request *:
 *  - block_io_start runs when the request is made, in the context of the task
 *    that submitted the I/O: who (pid, comm, mount namespace) comes from there,
 *    and the mount-namespace filter applies there;
 *  - block_rq_issue runs when the request goes to the device: its start time and
 *    size (what the reference times: device time, not time queued);
 *  - block_io_done runs when it completes, often in softirq or a driver's worker,
 *    where the current task says nothing: the request's entry says who it was.
 * A request seen at done but not at start (made before the run began, or by a
 * process the filter leaves out) is not counted.
 *
 * The table is one of two hash maps, rows_a and rows_b; the one in use is the
 * only entry of the map-in-map "rows". To read an interval, user space puts the
 * other one there: the kernel returns from that update only once every program
 * that could still hold the old one has finished (an RCU grace period), so the
 * old one can then be read and emptied without losing an increment to a race.
 */
#include "gadget.h"

#define BIOTOP_MAX_REQUESTS 10240
#define BIOTOP_MAX_ROWS 10240
#define BIOTOP_REQ_OP_MASK ((1 << 8) - 1)

/* A request in flight: who made it, and when and how big it was at issue. */
struct biotop_request {
	gadget_mntns_id mntns_id;
	__u64 issue_ns; /* 0 until issued */
	__u64 data_len;
	__u32 pid;
	char comm[TASK_COMM_LEN];
};

/* A row of the table, keyed as the reference keys it. */
struct biotop_key {
	gadget_mntns_id mntns_id;
	__u32 pid;
	__s32 write; /* 1 for REQ_OP_WRITE, 0 otherwise */
	__s32 major;
	__s32 minor;
	char comm[TASK_COMM_LEN];
};

struct biotop_value {
	__u64 bytes;
	__u64 us;
	__u32 ops;
	__u32 pad;
};

/* The disk of a request: request->q->disk since 5.17, request->rq_disk before. */
struct request___rq_disk {
	struct gendisk *rq_disk;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BIOTOP_MAX_REQUESTS);
	__type(key, struct request *);
	__type(value, struct biotop_request);
} requests SEC(".maps");

struct biotop_rows {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BIOTOP_MAX_ROWS);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* rows are few; memory only for those there are */
	__type(key, struct biotop_key);
	__type(value, struct biotop_value);
} rows_a SEC(".maps"), rows_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct biotop_rows);
} rows SEC(".maps") = {
	.values = { &rows_a },
};

GADGET_EVENT(biotop_key);
GADGET_EVENT(biotop_value);

/* The request is a BTF pointer in these programs: its fields are read with plain loads,
 * not one bpf_probe_read_kernel call each (this runs for every request). */
static __always_inline struct gendisk *biotop_disk(struct request *rq)
{
	struct request___rq_disk *old = (void *)rq;

	if (bpf_core_field_exists(old->rq_disk))
		return old->rq_disk;
	return rq->q->disk;
}

SEC("tp_btf/block_io_start")
int BPF_PROG(biotop_start, struct request *rq)
{
	gadget_mntns_id mntns_id = gadget_current_mntns_id();
	struct biotop_request request = {};

	if (gadget_should_discard_mntns_id(mntns_id))
		return 0;

	request.mntns_id = mntns_id;
	request.pid = bpf_get_current_pid_tgid() >> 32;
	__builtin_memcpy(request.comm, bpf_get_current_task_btf()->comm, sizeof(request.comm));
	/* A request whose completion we missed leaves its entry behind; the next
	 * request at the same address replaces it. */
	if (bpf_map_update_elem(&requests, &rq, &request, BPF_ANY))
		gadget_count_lost();
	return 0;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(biotop_issue, struct request *rq)
{
	struct biotop_request *request = bpf_map_lookup_elem(&requests, &rq);

	if (!request)
		return 0;
	/* A requeued request is issued again: time its last issue, as the reference does. */
	request->data_len = rq->__data_len;
	request->issue_ns = bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/block_io_done")
int BPF_PROG(biotop_done, struct request *rq)
{
	struct biotop_request *request = bpf_map_lookup_elem(&requests, &rq);
	struct biotop_value zero = {}, *value;
	struct biotop_key key = {};
	struct gendisk *disk;
	__u64 now = bpf_ktime_get_ns();
	__u32 slot = 0;
	void *table;

	if (!request)
		return 0;
	if (!request->issue_ns)
		goto out; /* never reached the device while we traced */
	table = bpf_map_lookup_elem(&rows, &slot);
	if (!table)
		goto out;

	disk = biotop_disk(rq);
	key.mntns_id = request->mntns_id;
	key.pid = request->pid;
	key.write = (rq->cmd_flags & BIOTOP_REQ_OP_MASK) == REQ_OP_WRITE;
	key.major = disk->major;
	key.minor = disk->first_minor;
	__builtin_memcpy(key.comm, request->comm, sizeof(key.comm));

	value = bpf_map_lookup_elem(table, &key);
	if (!value) {
		bpf_map_update_elem(table, &key, &zero, BPF_NOEXIST);
		value = bpf_map_lookup_elem(table, &key);
		if (!value) {
			gadget_count_lost(); /* the table is full until user space reads it */
			goto out;
		}
	}
	__sync_fetch_and_add(&value->bytes, request->data_len);
	__sync_fetch_and_add(&value->us, (now - request->issue_ns) / 1000);
	__sync_fetch_and_add(&value->ops, 1);
out:
	bpf_map_delete_elem(&requests, &rq);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
