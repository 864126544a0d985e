/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Sockets for network gadgets: the endpoint layout user space decodes, the
 * addresses and ports of a struct sock, its network namespace, and the socket
 * behind a file descriptor of the current task.
 *
 * Everything is read with CO-RE from struct sock_common, which has kept these
 * fields since long before 5.10.
 */
#ifndef GADGET_SOCK_H
#define GADGET_SOCK_H

#include "gadget.h"
#include <bpf/bpf_endian.h>

#ifndef GADGET_IPPROTO_TCP
#define GADGET_IPPROTO_TCP 6
#endif
#define GADGET_S_IFMT 00170000
#define GADGET_S_IFSOCK 0140000

/* One end of a connection; C# mirrors it as L4Endpoint. */
struct gadget_l4endpoint {
	__u8 addr[16]; /* IPv4 in the first 4 bytes, network byte order */
	__u16 port;    /* host byte order */
	__u8 version;  /* 4 or 6 */
	__u8 proto;    /* IPPROTO_* */
};

static __always_inline gadget_netns_id gadget_sock_netns(struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
}

/* The local (src) and remote (dst) ends of a socket, as the socket sees them. */
static __always_inline void gadget_sock_endpoints(struct sock *sk, struct gadget_l4endpoint *src,
						  struct gadget_l4endpoint *dst)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	if (family == GADGET_AF_INET6) {
		BPF_CORE_READ_INTO(&src->addr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&dst->addr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
		src->version = dst->version = 6;
	} else {
		BPF_CORE_READ_INTO((__u32 *)src->addr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)dst->addr, sk, __sk_common.skc_daddr);
		src->version = dst->version = 4;
	}
	/* inet_sport, not skc_num: a closing socket drops skc_num when it leaves the
	 * bind hash, before its state tracepoint fires, but keeps inet_sport. */
	src->port = bpf_ntohs(BPF_CORE_READ((struct inet_sock *)sk, inet_sport));
	dst->port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	src->proto = dst->proto = GADGET_IPPROTO_TCP;
}

/* The socket behind descriptor fd of the current task, or NULL when fd is not a socket. */
static __always_inline struct socket *gadget_current_socket(int fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct file **fds = BPF_CORE_READ(task, files, fdt, fd);
	unsigned int max_fds = BPF_CORE_READ(task, files, fdt, max_fds);
	struct file *file = NULL;

	if (fd < 0 || (unsigned int)fd >= max_fds)
		return NULL;
	bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
	if (!file)
		return NULL;
	if ((BPF_CORE_READ(file, f_inode, i_mode) & GADGET_S_IFMT) != GADGET_S_IFSOCK)
		return NULL;
	return BPF_CORE_READ(file, private_data);
}

#endif /* GADGET_SOCK_H */
