// SPDX-License-Identifier: GPL-2.0
/*
 * trace tcp: connect, accept and close of TCP connections.
 *
 * Without kprobes (tcp_v4_connect, inet_csk_accept, tcp_close), from
 * tracepoints, each at a moment when the process is known:
 *   connect: sock:inet_sock_set_state CLOSE -> SYN_SENT runs inside connect()
 *            and records the process by socket; the event is sent when the
 *            socket leaves SYN_SENT (established, or failed with its error),
 *            which may be in softirq context where current is not the caller.
 *   accept:  the exit of accept()/accept4(): the new descriptor's socket.
 *   close:   the state change tcp_close() makes while the socket's file is
 *            being released, in the context of the process that closed it; or,
 *            for a connection that had already reached CLOSE (reset, or the
 *            end of a shutdown()), the destruction of the socket that
 *            tcp_close() then does itself.
 */
#include "gadget.h"
#include "gadget_sock.h"

#define TCP_ESTABLISHED 1
#define TCP_SYN_SENT 2
#define TCP_FIN_WAIT1 4
#define TCP_FIN_WAIT2 5
#define TCP_CLOSE 7
#define TCP_CLOSE_WAIT 8
#define TCP_LAST_ACK 9
#define TCP_CLOSING 11
#define SHUTDOWN_MASK 3
#define SOCK_STREAM 1
#define ETIMEDOUT 110

enum tcp_event_type {
	TCP_EVENT_CONNECT,
	TCP_EVENT_ACCEPT,
	TCP_EVENT_CLOSE,
};

struct tcp_event {
	struct gadget_event_header header;
	gadget_netns_id netns_id;
	gadget_errno error; /* a connect that failed: ECONNREFUSED, ETIMEDOUT, ... */
	struct gadget_l4endpoint src;
	struct gadget_l4endpoint dst;
	__u8 type;          /* enum tcp_event_type */
	__u8 pad[3];
};

/* Before 6.13 a file counted its references in f_count. */
struct file___f_count {
	atomic_long_t f_count;
} __attribute__((preserve_access_index));

const volatile bool connect_only = false;
const volatile bool accept_only = false;
const volatile bool failure_only = false;
/* Close events need the owner of sockets whose process is exiting. */
const volatile bool track_owners = true;

/* Sockets in SYN_SENT: who connects them, by struct sock address. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct gadget_event_header);
} connecting SEC(".maps");

/* Mount namespace of the process that connected or accepted a socket. A
 * process that exits closes its sockets after it left its namespaces; the
 * close event then takes the namespace from here. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, gadget_mntns_id);
} owners SEC(".maps");

/* Connections that reached CLOSE while their owner still had them open: the
 * owner's close() only destroys them, without a state change, and the close
 * event comes from tcp_destroy_sock. The tuple is kept from the state change. */
struct closed_tuple {
	struct gadget_l4endpoint src;
	struct gadget_l4endpoint dst;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct closed_tuple);
} closed_open SEC(".maps");

GADGET_EVENT(tcp_event);

static __always_inline void endpoints_from_ctx(struct trace_event_raw_inet_sock_set_state *ctx,
					       struct gadget_l4endpoint *src,
					       struct gadget_l4endpoint *dst)
{
	/* Helpers, not loads: the verifier allows only fixed offsets into a context. */
	if (ctx->family == GADGET_AF_INET6) {
		bpf_probe_read_kernel(src->addr, 16, ctx->saddr_v6);
		bpf_probe_read_kernel(dst->addr, 16, ctx->daddr_v6);
		src->version = dst->version = 6;
	} else {
		bpf_probe_read_kernel(src->addr, 4, ctx->saddr);
		bpf_probe_read_kernel(dst->addr, 4, ctx->daddr);
		src->version = dst->version = 4;
	}
	src->port = ctx->sport;
	dst->port = ctx->dport;
	src->proto = dst->proto = GADGET_IPPROTO_TCP;
}

static __always_inline void emit(const struct gadget_event_header *header, struct sock *sk,
				 enum tcp_event_type type, int error,
				 const struct gadget_l4endpoint *src, const struct gadget_l4endpoint *dst)
{
	struct tcp_event *event = gadget_reserve(sizeof(*event));

	if (!event)
		return;
	event->header = *header;
	event->header.timestamp = bpf_ktime_get_boot_ns();
	event->netns_id = gadget_sock_netns(sk);
	event->error = error;
	event->src = *src;
	event->dst = *dst;
	event->type = type;
	__builtin_memset(event->pad, 0, sizeof(event->pad));
	gadget_submit(event);
}

static __always_inline void remember_owner(__u64 sk, gadget_mntns_id mntns_id)
{
	if (track_owners)
		bpf_map_update_elem(&owners, &sk, &mntns_id, BPF_ANY);
}

/* True while the socket's file is being released: tcp_close() called from
 * close() or exit, not shutdown(), which leaves the states the same way. */
static __always_inline bool file_released(struct sock *sk)
{
	struct file *file = BPF_CORE_READ(sk, sk_socket, file);

	if (!file)
		return false;
	if (bpf_core_field_exists(file->f_ref)) {
		/* file_ref_t: one reference reads 0; released and dead are negative. */
		return (long)BPF_CORE_READ(file, f_ref.refcnt.counter) < 0;
	}
	return BPF_CORE_READ((struct file___f_count *)file, f_count.counter) == 0;
}

/* The transitions tcp_close() makes on a connection: the first step of the
 * close (or the abort), or, after a shutdown(SHUT_WR), the same state again. */
static __always_inline bool is_close_transition(int oldstate, int newstate)
{
	switch (oldstate) {
	case TCP_ESTABLISHED:
		return newstate == TCP_FIN_WAIT1 || newstate == TCP_CLOSE;
	case TCP_CLOSE_WAIT:
		return newstate == TCP_LAST_ACK || newstate == TCP_CLOSE;
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		return newstate == oldstate;
	default:
		return false;
	}
}

static __always_inline bool was_connected(int state)
{
	switch (state) {
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		return true;
	default:
		return false;
	}
}

/* Sends the close event of sk for the current task. Its mount namespace is the
 * task's, or, for a task that exits (it left its namespaces before its files
 * were closed), the one recorded when the connection was made. */
static __always_inline void emit_close(__u64 sk, const struct gadget_l4endpoint *src,
				       const struct gadget_l4endpoint *dst)
{
	gadget_mntns_id mntns_id = gadget_current_mntns_id();
	struct gadget_event_header header;

	if (!mntns_id) {
		gadget_mntns_id *owner = bpf_map_lookup_elem(&owners, &sk);

		if (owner)
			mntns_id = *owner;
	}
	bpf_map_delete_elem(&owners, &sk);
	if (gadget_should_discard_mntns_id(mntns_id))
		return;
	gadget_fill_header(&header, mntns_id);
	emit(&header, (struct sock *)sk, TCP_EVENT_CLOSE, 0, src, dst);
}

static __always_inline void handle_close(struct trace_event_raw_inet_sock_set_state *ctx, __u64 sk)
{
	struct sock *s = (struct sock *)sk;
	struct closed_tuple tuple = {};

	if (!was_connected(ctx->oldstate))
		return;
	if (is_close_transition(ctx->oldstate, ctx->newstate) &&
	    BPF_CORE_READ_BITFIELD_PROBED(s, sk_shutdown) == SHUTDOWN_MASK && file_released(s)) {
		endpoints_from_ctx(ctx, &tuple.src, &tuple.dst);
		emit_close(sk, &tuple.src, &tuple.dst);
		return;
	}
	/* Reset by the peer, or done after a shutdown(), while the owner still has
	 * the socket: its close() will find it in CLOSE and only destroy it. */
	if (ctx->newstate == TCP_CLOSE && BPF_CORE_READ(s, sk_socket)) {
		endpoints_from_ctx(ctx, &tuple.src, &tuple.dst);
		bpf_map_update_elem(&closed_open, &sk, &tuple, BPF_ANY);
	}
}

SEC("tracepoint/sock/inet_sock_set_state")
int trace_tcp_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 sk = (__u64)ctx->skaddr;

	if (ctx->protocol != GADGET_IPPROTO_TCP)
		return 0;
	if (ctx->family != GADGET_AF_INET && ctx->family != GADGET_AF_INET6)
		return 0;

	if (ctx->oldstate == TCP_CLOSE && ctx->newstate == TCP_SYN_SENT) {
		/* Inside connect(): the current task is the one connecting. */
		gadget_mntns_id mntns_id = gadget_current_mntns_id();
		struct gadget_event_header header;

		/* A socket connected again after it failed: its old close is moot. */
		bpf_map_delete_elem(&closed_open, &sk);
		if (gadget_should_discard_mntns_id(mntns_id))
			return 0;
		gadget_fill_header(&header, mntns_id);
		bpf_map_update_elem(&connecting, &sk, &header, BPF_ANY);
		return 0;
	}

	if (ctx->oldstate == TCP_SYN_SENT) {
		struct gadget_event_header *entry;
		struct gadget_event_header header;
		struct gadget_l4endpoint src = {}, dst = {};
		int error = 0;

		if (ctx->newstate != TCP_ESTABLISHED && ctx->newstate != TCP_CLOSE)
			return 0;
		entry = bpf_map_lookup_elem(&connecting, &sk);
		if (!entry)
			return 0;
		header = *entry;
		if (bpf_map_delete_elem(&connecting, &sk))
			return 0; /* another CPU took it */
		/* Back to CLOSE before a source port was found (EADDRNOTAVAIL): no SYN left. */
		if (ctx->sport == 0)
			return 0;
		if (ctx->newstate == TCP_CLOSE) {
			/* Refused, unreachable, timed out; or abandoned by its owner, which
			 * is a timeout from the owner's side (as the reference counts it). */
			error = BPF_CORE_READ((struct sock *)sk, sk_err);
			if (!error)
				error = ETIMEDOUT;
		} else {
			remember_owner(sk, header.mntns_id);
		}
		if (failure_only && !error)
			return 0;
		endpoints_from_ctx(ctx, &src, &dst);
		emit(&header, (struct sock *)sk, TCP_EVENT_CONNECT, error, &src, &dst);
		return 0;
	}

	if (!connect_only && !failure_only)
		handle_close(ctx, sk);
	return 0;
}

static __always_inline int handle_accept_exit(long ret)
{
	gadget_mntns_id mntns_id = gadget_current_mntns_id();
	struct gadget_event_header header;
	struct gadget_l4endpoint src = {}, dst = {};
	struct socket *socket;
	struct sock *sk;
	__u16 family;

	if (ret < 0 || gadget_should_discard_mntns_id(mntns_id))
		return 0;
	socket = gadget_current_socket(ret);
	if (!socket)
		return 0;
	sk = BPF_CORE_READ(socket, sk);
	if (!sk)
		return 0;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != GADGET_AF_INET && family != GADGET_AF_INET6)
		return 0;
	if (BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol) != GADGET_IPPROTO_TCP ||
	    BPF_CORE_READ_BITFIELD_PROBED(sk, sk_type) != SOCK_STREAM)
		return 0;

	gadget_fill_header(&header, mntns_id);
	gadget_sock_endpoints(sk, &src, &dst);
	remember_owner((__u64)sk, mntns_id);
	emit(&header, sk, TCP_EVENT_ACCEPT, 0, &src, &dst);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int trace_tcp_accept4_exit(struct trace_event_raw_sys_exit *ctx)
{
	return handle_accept_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int trace_tcp_accept_exit(struct trace_event_raw_sys_exit *ctx)
{
	return handle_accept_exit(ctx->ret);
}

/* The owner's close() of a connection that was already in CLOSE: tcp_close()
 * destroys it at once, in the owner's context. Any other socket going away
 * only leaves the maps. */
SEC("tracepoint/tcp/tcp_destroy_sock")
int trace_tcp_destroy(struct trace_event_raw_tcp_event_sk *ctx)
{
	__u64 sk = (__u64)ctx->skaddr;
	struct closed_tuple *closed = bpf_map_lookup_elem(&closed_open, &sk);

	if (closed) {
		struct closed_tuple tuple = *closed;

		bpf_map_delete_elem(&closed_open, &sk);
		emit_close(sk, &tuple.src, &tuple.dst);
		return 0;
	}
	bpf_map_delete_elem(&owners, &sk);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
