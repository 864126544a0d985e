// SPDX-License-Identifier: GPL-2.0
/*
 * trace tcpconnect: one event per active TCP open (a SYN sent), with the
 * connect latency on request.
 *
 * No kprobes on tcp_v4_connect/tcp_v6_connect: sock:inet_sock_set_state sees
 * the socket enter SYN_SENT inside connect(), in the caller's context, which is
 * where the process is known. The source port is not chosen yet at that point,
 * so the event is sent later, from whichever comes first:
 *   - the exit of connect() (a non-blocking connect returns while in SYN_SENT);
 *   - the socket leaving SYN_SENT (a blocking connect returns after it), which
 *     may run in softirq context: the process comes from the map.
 * With --latency only the second counts: the time from SYN_SENT to the answer
 * (SYN-ACK, or RST/ICMP error), as the reference measures it.
 */
#include "gadget.h"
#include "gadget_sock.h"

#define TCP_ESTABLISHED 1
#define TCP_SYN_SENT 2
#define TCP_CLOSE 7
#define ETIMEDOUT 110

struct tcpconnect_event {
	struct gadget_event_header header;
	gadget_netns_id netns_id;
	struct gadget_l4endpoint src;
	struct gadget_l4endpoint dst;
	__u64 latency_ns; /* with --latency: SYN_SENT to the answer */
};

/* The process that sent the SYN, and when. */
struct pending_connect {
	struct gadget_event_header header;
	__u64 start_ns;
};

const volatile bool with_latency = false;
const volatile __u64 min_latency_ns = 0;

/* Sockets in SYN_SENT whose event is not sent yet, by struct sock address. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct pending_connect);
} pending SEC(".maps");

/* The socket a thread is connecting, for the exit of connect(). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u64);
} connecting_threads SEC(".maps");

GADGET_EVENT(tcpconnect_event);

/* Takes the pending entry of sk: true for exactly one caller, even when the
 * exit of connect() and the answer race on two CPUs. */
static __always_inline bool claim(__u64 sk, struct pending_connect *out)
{
	struct pending_connect *entry = bpf_map_lookup_elem(&pending, &sk);

	if (!entry)
		return false;
	*out = *entry;
	return bpf_map_delete_elem(&pending, &sk) == 0;
}

static __always_inline void emit(struct pending_connect *p, struct sock *sk,
				 struct gadget_l4endpoint *src, struct gadget_l4endpoint *dst,
				 __u64 latency_ns)
{
	struct tcpconnect_event *event = gadget_reserve(sizeof(*event));

	if (!event)
		return;
	event->header = p->header;
	event->header.timestamp = bpf_ktime_get_boot_ns();
	event->netns_id = gadget_sock_netns(sk);
	event->src = *src;
	event->dst = *dst;
	event->latency_ns = latency_ns;
	gadget_submit(event);
}

SEC("tracepoint/sock/inet_sock_set_state")
int trace_tcpconnect_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 sk = (__u64)ctx->skaddr;
	struct pending_connect p = {};

	if (ctx->protocol != GADGET_IPPROTO_TCP)
		return 0;
	if (ctx->family != GADGET_AF_INET && ctx->family != GADGET_AF_INET6)
		return 0;

	if (ctx->oldstate == TCP_CLOSE && ctx->newstate == TCP_SYN_SENT) {
		/* Inside connect(): the current task is the one connecting. */
		gadget_mntns_id mntns_id = gadget_current_mntns_id();
		__u32 tid = (__u32)bpf_get_current_pid_tgid();

		if (gadget_should_discard_mntns_id(mntns_id))
			return 0;
		gadget_fill_header(&p.header, mntns_id);
		p.start_ns = p.header.timestamp;
		bpf_map_update_elem(&pending, &sk, &p, BPF_ANY);
		if (!with_latency)
			bpf_map_update_elem(&connecting_threads, &tid, &sk, BPF_ANY);
		return 0;
	}

	if (ctx->oldstate != TCP_SYN_SENT ||
	    (ctx->newstate != TCP_ESTABLISHED && ctx->newstate != TCP_CLOSE))
		return 0;
	if (!claim(sk, &p))
		return 0;
	/* Back to CLOSE before a source port was found (EADDRNOTAVAIL): no SYN left. */
	if (ctx->sport == 0)
		return 0;

	__u64 latency_ns = 0;

	if (with_latency) {
		/* Closed without an answer (timeout, or the caller gave up): no latency to show. */
		if (ctx->newstate == TCP_CLOSE) {
			int err = BPF_CORE_READ((struct sock *)sk, sk_err);

			if (err == 0 || err == ETIMEDOUT)
				return 0;
		}
		latency_ns = bpf_ktime_get_boot_ns() - p.start_ns;
		if (latency_ns < min_latency_ns)
			return 0;
	}

	/* The tracepoint carries the tuple as it was when the state changed. */
	struct gadget_l4endpoint src = {}, dst = {};

	/* Helpers, not loads: the verifier allows only fixed offsets into a context. */
	if (ctx->family == GADGET_AF_INET6) {
		bpf_probe_read_kernel(src.addr, 16, ctx->saddr_v6);
		bpf_probe_read_kernel(dst.addr, 16, ctx->daddr_v6);
		src.version = dst.version = 6;
	} else {
		bpf_probe_read_kernel(src.addr, 4, ctx->saddr);
		bpf_probe_read_kernel(dst.addr, 4, ctx->daddr);
		src.version = dst.version = 4;
	}
	src.port = ctx->sport;
	dst.port = ctx->dport;
	src.proto = dst.proto = GADGET_IPPROTO_TCP;
	emit(&p, (struct sock *)sk, &src, &dst, latency_ns);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int trace_tcpconnect_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *entry = bpf_map_lookup_elem(&connecting_threads, &tid);
	struct gadget_l4endpoint src = {}, dst = {};
	struct pending_connect p;
	__u64 sk;

	if (!entry)
		return 0;
	sk = *entry;
	bpf_map_delete_elem(&connecting_threads, &tid);
	/* Still in SYN_SENT (non-blocking), or an answer already sent the event. */
	if (!claim(sk, &p))
		return 0;
	gadget_sock_endpoints((struct sock *)sk, &src, &dst);
	emit(&p, (struct sock *)sk, &src, &dst, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
