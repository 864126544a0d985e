// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot socket: one pass of the TCP or UDP socket iterator, one record per
 * socket, IPv4 and IPv6 alike.
 *
 * The iterators list the sockets of one network namespace: the one the process
 * creating the iterator (bpf_iter_create) is in. User space creates one per
 * network namespace it visits, from a thread that joined that namespace.
 */
#include "gadget_sock.h"

#define SNAPSHOT_IPPROTO_UDP 17
#define SNAPSHOT_TCP_SYN_RECV 3

/* C# mirrors it as SocketEntry. */
struct snapshot_socket_entry {
	struct gadget_l4endpoint src; /* local address and port */
	struct gadget_l4endpoint dst; /* remote ones; zero when not connected */
	__u64 inode;                  /* of the socket's file; 0 when it has none */
	__u8 state;                   /* TCP_* of include/net/tcp_states.h */
	__u8 pad[7];
};

GADGET_EVENT(snapshot_socket_entry);

/* The inode number of the file of a socket, as /proc/PID/fd shows it ("socket:[N]"):
 * the socket and its inode are allocated together (struct socket_alloc). */
static __always_inline __u64 snapshot_socket_inode(struct sock *sk)
{
	struct socket *socket = BPF_CORE_READ(sk, sk_socket);
	struct socket_alloc *alloc;

	if (!socket)
		return 0;
	alloc = container_of(socket, struct socket_alloc, socket);
	return BPF_CORE_READ(alloc, vfs_inode.i_ino);
}

/* Endpoints from the common part every kind of TCP socket has (full, request,
 * time-wait): addresses, remote port, family. The local port is the caller's. */
static __always_inline void snapshot_common_endpoints(struct sock_common *common,
						      struct snapshot_socket_entry *entry, __u8 proto)
{
	__u16 family = BPF_CORE_READ(common, skc_family);

	if (family == GADGET_AF_INET6) {
		BPF_CORE_READ_INTO(&entry->src.addr, common, skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&entry->dst.addr, common, skc_v6_daddr.in6_u.u6_addr8);
		entry->src.version = entry->dst.version = 6;
	} else {
		BPF_CORE_READ_INTO((__u32 *)entry->src.addr, common, skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)entry->dst.addr, common, skc_daddr);
		entry->src.version = entry->dst.version = 4;
	}
	entry->dst.port = bpf_ntohs(BPF_CORE_READ(common, skc_dport));
	entry->src.proto = entry->dst.proto = proto;
}

static __always_inline bool snapshot_is_inet(struct sock_common *common)
{
	__u16 family = BPF_CORE_READ(common, skc_family);

	return family == GADGET_AF_INET || family == GADGET_AF_INET6;
}

SEC("iter/tcp")
int ig_snap_tcp(struct bpf_iter__tcp *ctx)
{
	struct sock_common *common = ctx->sk_common;
	struct snapshot_socket_entry entry = {};
	struct tcp_timewait_sock *tw;
	struct tcp_request_sock *req;
	struct tcp_sock *tp;

	if (!common || !snapshot_is_inet(common))
		return 0;
	snapshot_common_endpoints(common, &entry, GADGET_IPPROTO_TCP);

	tp = bpf_skc_to_tcp_sock(common);
	if (tp) {
		struct sock *sk = (struct sock *)tp;

		/* inet_sport: the local port, also of a socket that left the bind hash. */
		entry.src.port = bpf_ntohs(BPF_CORE_READ(&tp->inet_conn.icsk_inet, inet_sport));
		entry.state = BPF_CORE_READ(sk, __sk_common.skc_state);
		entry.inode = snapshot_socket_inode(sk);
	} else if ((tw = bpf_skc_to_tcp_timewait_sock(common))) {
		/* A time-wait socket has no file (no inode, as in /proc/net/tcp); its
		 * state is the substate (TIME_WAIT, or FIN_WAIT2 when it stands for one). */
		entry.src.port = bpf_ntohs(BPF_CORE_READ(tw, tw_sk.tw_sport));
		entry.state = BPF_CORE_READ(tw, tw_sk.tw_substate);
	} else if ((req = bpf_skc_to_tcp_request_sock(common))) {
		/* A connection not accepted yet: its listener's file is not its own. */
		entry.src.port = BPF_CORE_READ(req, req.req.__req_common.skc_num);
		entry.state = SNAPSHOT_TCP_SYN_RECV;
	} else {
		return 0;
	}
	bpf_seq_write(ctx->meta->seq, &entry, sizeof(entry));
	return 0;
}

SEC("iter/udp")
int ig_snap_udp(struct bpf_iter__udp *ctx)
{
	struct udp_sock *udp = ctx->udp_sk;
	struct snapshot_socket_entry entry = {};
	struct sock *sk;

	if (!udp)
		return 0;
	sk = (struct sock *)udp;
	if (!snapshot_is_inet(&sk->__sk_common))
		return 0;
	snapshot_common_endpoints(&sk->__sk_common, &entry, SNAPSHOT_IPPROTO_UDP);
	entry.src.port = bpf_ntohs(BPF_CORE_READ(&udp->inet, inet_sport));
	entry.state = BPF_CORE_READ(sk, __sk_common.skc_state);
	entry.inode = snapshot_socket_inode(sk);
	bpf_seq_write(ctx->meta->seq, &entry, sizeof(entry));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
