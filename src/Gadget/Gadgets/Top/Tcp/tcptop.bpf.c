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
 * is kept here. Kernels before 6.3 have no such tracepoints: there, where
 * kprobes exist, the reference's hooks serve (tcp_sendmsg, with its return
 * value for the bytes sent, and tcp_cleanup_rbuf); their socket is no BTF
 * pointer, so they read it with a probe read per field.
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

/* The connection as the socket sees it: local end first. btf: sk is a BTF
 * pointer (tp_btf), read with plain loads; otherwise a probe read per field.
 * A constant in every caller, so each program holds only its own branch. */
static __always_inline void endpoints(struct sock *sk, __u16 family, struct tcptop_key *key, bool btf)
{
	__u16 sport;

	if (btf) {
		struct inet_sock *inet = bpf_rdonly_cast(sk, bpf_core_type_id_kernel(struct inet_sock));

		if (family == GADGET_AF_INET6) {
			__builtin_memcpy(key->src.addr, sk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8, 16);
			__builtin_memcpy(key->dst.addr, sk->__sk_common.skc_v6_daddr.in6_u.u6_addr8, 16);
		} else {
			*(__u32 *)key->src.addr = sk->__sk_common.skc_rcv_saddr;
			*(__u32 *)key->dst.addr = sk->__sk_common.skc_daddr;
		}
		/* inet_sport, not skc_num: a socket that reached TIME_WAIT has left the
		 * bind hash (skc_num is 0) while its owner still reads what it had received. */
		sport = inet->inet_sport;
		key->dst.port = bpf_ntohs(sk->__sk_common.skc_dport);
	} else {
		if (family == GADGET_AF_INET6) {
			BPF_CORE_READ_INTO(&key->src.addr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
			BPF_CORE_READ_INTO(&key->dst.addr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
		} else {
			BPF_CORE_READ_INTO((__u32 *)key->src.addr, sk, __sk_common.skc_rcv_saddr);
			BPF_CORE_READ_INTO((__u32 *)key->dst.addr, sk, __sk_common.skc_daddr);
		}
		sport = BPF_CORE_READ((struct inet_sock *)sk, inet_sport);
		key->dst.port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	}
	key->src.port = bpf_ntohs(sport);
	key->src.version = key->dst.version = family == GADGET_AF_INET6 ? 6 : 4;
	key->src.proto = key->dst.proto = GADGET_IPPROTO_TCP;
}

static __always_inline int account(struct sock *sk, int bytes, bool received, bool btf)
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
	if ((btf ? sk->sk_protocol : BPF_CORE_READ(sk, sk_protocol)) != GADGET_IPPROTO_TCP)
		return 0;
	family = btf ? sk->__sk_common.skc_family : BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != GADGET_AF_INET && family != GADGET_AF_INET6)
		return 0;
	if (target_family && family != target_family)
		return 0;

	key.mntns_id = mntns_id;
	key.netns_id = btf ? sk->__sk_common.skc_net.net->ns.inum : BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	key.pid = pid;
	__builtin_memcpy(key.comm, task->comm, sizeof(key.comm));
	endpoints(sk, family, &key, btf);

	stats = bpf_map_lookup_elem(&current_stats, &zero);
	if (!stats)
		return 0;
	value = bpf_map_lookup_elem(stats, &key);
	if (!value) {
		struct tcptop_value fresh = {
			.sent = received ? 0 : bytes,
			.received = received ? bytes : 0,
		};

		long error = bpf_map_update_elem(stats, &key, &fresh, BPF_NOEXIST);

		if (!error)
			return 0;
		/* Another thread of the process inserted it first: add to its entry.
		 * Otherwise the map is full (more rows in one interval than it holds):
		 * counted, so that the run's summary says so. */
		value = error == -17 /* EEXIST */ ? bpf_map_lookup_elem(stats, &key) : NULL;
		if (!value) {
			gadget_count_lost();
			return 0;
		}
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
	return account(sk, ret, false, true);
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(tcptop_recv, struct sock *sk, int ret, int flags)
{
	/* A peek leaves the data for the next read, which counts it. */
	if (flags & MSG_PEEK)
		return 0;
	return account(sk, ret, true, true);
}

/* The kprobe alternative: the socket of each tcp_sendmsg under way, by thread,
 * for its return. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u64);
} sending SEC(".maps");

SEC("kprobe/tcp_sendmsg")
int BPF_KPROBE(tcptop_kp_send, struct sock *sk)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 socket = (__u64)sk;

	bpf_map_update_elem(&sending, &tid, &socket, BPF_ANY);
	return 0;
}

SEC("kretprobe/tcp_sendmsg")
int BPF_KRETPROBE(tcptop_kp_send_ret, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *socket = bpf_map_lookup_elem(&sending, &tid);
	struct sock *sk;

	if (!socket)
		return 0;
	sk = (struct sock *)*socket;
	bpf_map_delete_elem(&sending, &tid);
	return account(sk, ret, false, false);
}

/* Called with the bytes a read copied (also for splice and the like, which
 * tcp_recvmsg does not see); the reference's hook. */
SEC("kprobe/tcp_cleanup_rbuf")
int BPF_KPROBE(tcptop_kp_recv, struct sock *sk, int copied)
{
	return account(sk, copied, true, false);
}

char LICENSE[] SEC("license") = "GPL";
