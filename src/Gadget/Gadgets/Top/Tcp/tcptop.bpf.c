// SPDX-License-Identifier: GPL-2.0
/*
 * top tcp: bytes sent and received per process and connection, summed in the
 * kernel.
 *
 * The reference uses kprobes on tcp_sendmsg (the size asked for) and
 * tcp_cleanup_rbuf (the bytes copied). Without kprobes, the tracepoints
 * sock:sock_send_length and sock:sock_recv_length, which sock_sendmsg() and
 * sock_recvmsg() fire with the bytes each call really moved, in the context of
 * the process that called. They fire for every socket: TCP over IPv4 and IPv6
 * is kept here.
 *
 * As in top file, two hash maps take turns (see filetop.bpf.c): user space
 * points current_stats at the other map, which waits for the programs using
 * the old one, and then reads and empties it; nothing is counted twice or lost.
 */
#include "gadget.h"
#include "gadget_sock.h"

#define TCPTOP_MAX_ENTRIES 10240
#define MSG_PEEK 2

/* What identifies a row: the process (and its name, as the reference's key has
 * it) and the connection. */
struct tcptop_key {
	gadget_mntns_id mntns_id;
	gadget_netns_id netns_id;
	__u32 pid;
	__u32 pad;
	char comm[TASK_COMM_LEN];
	struct gadget_l4endpoint src;
	struct gadget_l4endpoint dst;
};

struct tcptop_value {
	__u64 sent;
	__u64 received;
};

const volatile __u32 target_pid = 0;     /* 0: every process */
const volatile __u16 target_family = 0;  /* AF_INET or AF_INET6; 0: both */

struct tcptop_stats {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TCPTOP_MAX_ENTRIES);
	__type(key, struct tcptop_key);
	__type(value, struct tcptop_value);
} stats_a SEC(".maps"), stats_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct tcptop_stats);
} current_stats SEC(".maps") = {
	.values = { &stats_a },
};

GADGET_EVENT(tcptop_key);
GADGET_EVENT(tcptop_value);

/* The tracepoints came in 6.3, bpf_rdonly_cast in 6.2: where one is, so is the other. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/* The connection as the socket sees it: local end first. sk is a BTF pointer
 * here (tp_btf), so these are plain loads, not a probe read per field. */
static __always_inline void endpoints(struct sock *sk, __u16 family, struct tcptop_key *key)
{
	struct inet_sock *inet = bpf_rdonly_cast(sk, bpf_core_type_id_kernel(struct inet_sock));

	if (family == GADGET_AF_INET6) {
		__builtin_memcpy(key->src.addr, sk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8, 16);
		__builtin_memcpy(key->dst.addr, sk->__sk_common.skc_v6_daddr.in6_u.u6_addr8, 16);
		key->src.version = key->dst.version = 6;
	} else {
		*(__u32 *)key->src.addr = sk->__sk_common.skc_rcv_saddr;
		*(__u32 *)key->dst.addr = sk->__sk_common.skc_daddr;
		key->src.version = key->dst.version = 4;
	}
	/* inet_sport, not skc_num: a socket that reached TIME_WAIT has left the bind
	 * hash (skc_num is 0) while its owner still reads what it had received. */
	key->src.port = bpf_ntohs(inet->inet_sport);
	key->dst.port = bpf_ntohs(sk->__sk_common.skc_dport);
	key->src.proto = key->dst.proto = GADGET_IPPROTO_TCP;
}

static __always_inline int account(struct sock *sk, int bytes, bool received)
{
	/* Everything about the task through its BTF pointer: plain loads, no helper calls. */
	struct task_struct *task = bpf_get_current_task_btf();
	gadget_mntns_id mntns_id = task->nsproxy->mnt_ns->ns.inum;
	struct tcptop_key key = {};
	struct tcptop_value *value;
	__u32 pid, zero = 0;
	__u16 family;
	void *stats;

	if (gadget_should_discard_mntns_id(mntns_id))
		return 0;
	if (bytes <= 0 || !sk)
		return 0;
	pid = task->tgid;
	if (target_pid && pid != target_pid)
		return 0;
	if (sk->sk_protocol != GADGET_IPPROTO_TCP)
		return 0;
	family = sk->__sk_common.skc_family;
	if (family != GADGET_AF_INET && family != GADGET_AF_INET6)
		return 0;
	if (target_family && family != target_family)
		return 0;

	key.mntns_id = mntns_id;
	key.netns_id = sk->__sk_common.skc_net.net->ns.inum;
	key.pid = pid;
	__builtin_memcpy(key.comm, task->comm, sizeof(key.comm));
	endpoints(sk, family, &key);

	stats = bpf_map_lookup_elem(&current_stats, &zero);
	if (!stats)
		return 0;
	value = bpf_map_lookup_elem(stats, &key);
	if (!value) {
		struct tcptop_value fresh = {
			.sent = received ? 0 : bytes,
			.received = received ? bytes : 0,
		};

		if (!bpf_map_update_elem(stats, &key, &fresh, BPF_NOEXIST))
			return 0;
		/* Another thread of the process inserted it first: add to its entry. */
		value = bpf_map_lookup_elem(stats, &key);
		if (!value)
			return 0; /* the map is full */
	}
	/* Threads of one process share the key: atomic adds. */
	if (received)
		__sync_fetch_and_add(&value->received, bytes);
	else
		__sync_fetch_and_add(&value->sent, bytes);
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(tcptop_send, struct sock *sk, int ret, int flags)
{
	return account(sk, ret, false);
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(tcptop_recv, struct sock *sk, int ret, int flags)
{
	/* A peek leaves the data for the next read, which counts it. */
	if (flags & MSG_PEEK)
		return 0;
	return account(sk, ret, true);
}

char LICENSE[] SEC("license") = "GPL";
