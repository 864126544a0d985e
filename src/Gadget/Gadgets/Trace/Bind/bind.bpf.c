// SPDX-License-Identifier: GPL-2.0
/*
 * trace bind: one event per bind(2) of an IPv4 or IPv6 socket.
 *
 * Syscall tracepoints instead of kprobes on inet_bind/inet6_bind: the entry
 * keeps the arguments, the exit finds the socket behind the descriptor and
 * reads what the bind did to it. A successful bind is reported from the socket
 * (the port the kernel picked for port 0, the options in force); a failed one
 * from the address the caller asked for, which the socket never took.
 */
#include "gadget.h"
#include "gadget_sock.h"

#define BIND_MAX_PORTS 1024
#define BIND_MAX_PIDS 1024
#define NETDEV_HASHENTRIES 256 /* 1 << NETDEV_HASHBITS, unchanged since 2.6 */
#define IFNAME_CHAIN_MAX 16
#define IFNAMSIZ 16

/* Bits of opts, in the reference's order: F T N R r. */
#define BIND_OPT_FREEBIND (1 << 0)
#define BIND_OPT_TRANSPARENT (1 << 1)
#define BIND_OPT_NO_PORT (1 << 2)
#define BIND_OPT_REUSEADDR (1 << 3)
#define BIND_OPT_REUSEPORT (1 << 4)

/* Bits of inet_sock.inet_flags (6.6+). The enum is anonymous, so CO-RE cannot
 * relocate it; the values have not moved since it was introduced. */
#define INET_FLAGS_FREEBIND_BIT 11
#define INET_FLAGS_TRANSPARENT_BIT 15
#define INET_FLAGS_BIND_ADDRESS_NO_PORT_BIT 18

struct bind_event {
	struct gadget_event_header header;
	gadget_netns_id netns_id;
	gadget_errno error;
	__u8 addr[16];     /* IPv4 in the first 4 bytes */
	__s32 bound_dev_if; /* SO_BINDTODEVICE or the IPv6 scope, 0 for none */
	__u16 port;
	__u16 proto;       /* sk_protocol */
	__u8 version;      /* 4 or 6 */
	__u8 opts;         /* BIND_OPT_* */
	__u8 pad[2];
	char ifname[16];   /* name of bound_dev_if in the socket's namespace */
};

struct bind_args {
	const void *addr;
	int fd;
	int addrlen;
};

/* Enough for struct sockaddr_in6, the larger of the two. */
struct bind_sockaddr {
	__u16 family;
	__be16 port;
	union {
		__u8 v4[4];
		struct {
			__u32 flowinfo;
			__u8 v6[16];
		};
	};
	__u32 scope_id;
};

/* Before 6.6 the options were bit-fields of inet_sock; CO-RE finds them there. */
struct inet_sock___bitfields {
	__u8 freebind : 1;
	__u8 transparent : 1;
	__u8 bind_address_no_port : 1;
} __attribute__((preserve_access_index));

const volatile bool ignore_errors = true;
const volatile bool filter_by_pid = false;
const volatile bool filter_by_port = false;

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH); /* a thread killed inside bind() leaves its entry */
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct bind_args);
} pending_binds SEC(".maps");

/* --ports: the ports to keep (host byte order). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BIND_MAX_PORTS);
	__type(key, __u16);
	__type(value, __u8);
} ports SEC(".maps");

/* --pids: the processes to keep. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BIND_MAX_PIDS);
	__type(key, __u32);
	__type(value, __u8);
} pids SEC(".maps");

GADGET_EVENT(bind_event);

SEC("tracepoint/syscalls/sys_enter_bind")
int trace_bind_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 pid = pid_tgid >> 32;
	__u32 tid = (__u32)pid_tgid;
	struct bind_args args = {
		.fd = (int)ctx->args[0],
		.addr = (const void *)ctx->args[1],
		.addrlen = (int)ctx->args[2],
	};

	if (gadget_should_discard_mntns_id(gadget_current_mntns_id()))
		return 0;
	if (filter_by_pid && !bpf_map_lookup_elem(&pids, &pid))
		return 0;
	bpf_map_update_elem(&pending_binds, &tid, &args, BPF_ANY);
	return 0;
}

static __always_inline __u8 read_opts(struct sock *sk)
{
	struct inet_sock *inet = (struct inet_sock *)sk;
	__u8 opts = 0;

	if (bpf_core_field_exists(inet->inet_flags)) {
		unsigned long flags = BPF_CORE_READ(inet, inet_flags);

		if (flags & (1UL << INET_FLAGS_FREEBIND_BIT))
			opts |= BIND_OPT_FREEBIND;
		if (flags & (1UL << INET_FLAGS_TRANSPARENT_BIT))
			opts |= BIND_OPT_TRANSPARENT;
		if (flags & (1UL << INET_FLAGS_BIND_ADDRESS_NO_PORT_BIT))
			opts |= BIND_OPT_NO_PORT;
	} else {
		struct inet_sock___bitfields *old = (void *)sk;

		if (BPF_CORE_READ_BITFIELD_PROBED(old, freebind))
			opts |= BIND_OPT_FREEBIND;
		if (BPF_CORE_READ_BITFIELD_PROBED(old, transparent))
			opts |= BIND_OPT_TRANSPARENT;
		if (BPF_CORE_READ_BITFIELD_PROBED(old, bind_address_no_port))
			opts |= BIND_OPT_NO_PORT;
	}
	if (BPF_CORE_READ_BITFIELD_PROBED(sk, __sk_common.skc_reuse))
		opts |= BIND_OPT_REUSEADDR;
	if (BPF_CORE_READ_BITFIELD_PROBED(sk, __sk_common.skc_reuseport))
		opts |= BIND_OPT_REUSEPORT;
	return opts;
}

/* The name of interface ifindex in the socket's network namespace, from the
 * namespace's index hash: user space could only look it up in its own. */
static __always_inline void read_ifname(struct sock *sk, int ifindex, char *name)
{
	struct net *net = BPF_CORE_READ(sk, __sk_common.skc_net.net);
	struct hlist_head *heads = BPF_CORE_READ(net, dev_index_head);
	struct hlist_node *node = NULL;

	if (!heads)
		return;
	bpf_probe_read_kernel(&node, sizeof(node), &heads[ifindex & (NETDEV_HASHENTRIES - 1)].first);
	for (int i = 0; i < IFNAME_CHAIN_MAX && node; i++) {
		struct net_device *dev =
			(void *)node - bpf_core_field_offset(struct net_device, index_hlist);

		if (BPF_CORE_READ(dev, ifindex) == ifindex) {
			bpf_core_read_str(name, IFNAMSIZ, &dev->name);
			return;
		}
		node = BPF_CORE_READ(node, next);
	}
}

SEC("tracepoint/syscalls/sys_exit_bind")
int trace_bind_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct bind_args *pending = bpf_map_lookup_elem(&pending_binds, &tid);
	struct bind_sockaddr requested = {};
	struct bind_args args;
	struct bind_event *event;
	struct socket *socket;
	struct sock *sk;
	long ret = ctx->ret;
	__u16 family, port;

	if (!pending)
		return 0;
	args = *pending;
	bpf_map_delete_elem(&pending_binds, &tid);
	if (ignore_errors && ret != 0)
		return 0;

	socket = gadget_current_socket(args.fd);
	if (!socket)
		return 0;
	sk = BPF_CORE_READ(socket, sk);
	if (!sk)
		return 0;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != GADGET_AF_INET && family != GADGET_AF_INET6)
		return 0;

	if (ret != 0) {
		__u32 size = args.addrlen;

		if (size > sizeof(requested))
			size = sizeof(requested);
		bpf_probe_read_user(&requested, size & 0xff, args.addr);
	}
	port = ret == 0 ? BPF_CORE_READ(sk, __sk_common.skc_num) : bpf_ntohs(requested.port);
	if (filter_by_port && !bpf_map_lookup_elem(&ports, &port))
		return 0;

	event = gadget_reserve(sizeof(*event));
	if (!event)
		return 0;
	gadget_fill_header(&event->header, gadget_current_mntns_id());
	event->netns_id = gadget_sock_netns(sk);
	event->error = ret == 0 ? 0 : -ret;
	event->port = port;
	event->proto = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
	event->opts = read_opts(sk);
	event->bound_dev_if = BPF_CORE_READ(sk, __sk_common.skc_bound_dev_if);
	__builtin_memset(event->addr, 0, sizeof(event->addr));
	__builtin_memset(event->pad, 0, sizeof(event->pad));
	__builtin_memset(event->ifname, 0, sizeof(event->ifname));

	if (ret == 0) {
		/* What the socket took: the address, the family it speaks. */
		if (family == GADGET_AF_INET6) {
			BPF_CORE_READ_INTO(&event->addr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
			event->version = 6;
		} else {
			BPF_CORE_READ_INTO((__u32 *)event->addr, sk, __sk_common.skc_rcv_saddr);
			event->version = 4;
		}
	} else if (requested.family == GADGET_AF_INET6) {
		__builtin_memcpy(event->addr, requested.v6, 16);
		event->version = 6;
	} else if (requested.family == GADGET_AF_INET || family == GADGET_AF_INET) {
		/* AF_INET, or what an IPv4 socket reads from another family (AF_UNSPEC). */
		__builtin_memcpy(event->addr, requested.v4, 4);
		event->version = 4;
	} else {
		event->version = 6; /* a family the IPv6 socket refused: no address to show */
	}
	if (event->bound_dev_if)
		read_ifname(sk, event->bound_dev_if, event->ifname);
	gadget_submit(event);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
