/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Which process a socket belongs to, for programs that see packets rather than
 * processes (cgroup_skb): a packet is handled in whatever context the network
 * stack runs (softirq, another task), so "current" says nothing about it. Its
 * socket does: every socket of ours carries its owner in socket-local storage,
 * set in process context when
 *   - it is created (cgroup/sock_create, in the creating task),
 *   - it connects or sends to an address (cgroup/connect4/6, sendmsg4/6): the
 *     task that uses it now, which may not be its creator (fork, fd passing),
 *   - it is accepted: the storage is cloned from the listener (BPF_F_CLONE),
 *   - it already existed when the gadget started: an iterator over every open
 *     file notes the owner of every task's sockets by socket address
 *     (gadget_socket_seeds), and the socket's first packet moves that into
 *     its storage (a listener's first handshake packet, before the connection
 *     it accepts clones the storage). The iterator cannot write the storage
 *     itself: the socket it reaches from a file is an untrusted pointer to the
 *     verifier, which newer kernels (6.18 here) refuse to bpf_sk_storage_get.
 *     A seed leaves the map when its socket is released, so an address reused
 *     by a later socket never inherits it.
 * The storage lives and dies with the socket: nothing to evict, nothing stale.
 *
 * All the cgroup programs are attached to the root of the cgroup v2 hierarchy,
 * so they see every socket of every process, whatever its network namespace.
 * They never refuse anything: they return 1.
 *
 * Include it in a gadget that attaches these programs (see SocketOwners.cs).
 */
#ifndef GADGET_SOCKET_H
#define GADGET_SOCKET_H

#include "gadget.h"


struct gadget_socket_owner {
	gadget_mntns_id mntns_id;
	gadget_netns_id netns_id; /* the socket's network namespace */
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__u32 gid;
	char comm[TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_CLONE);
	__type(key, int);
	__type(value, struct gadget_socket_owner);
} gadget_sockets SEC(".maps");

/* Owners of the sockets that existed at start, by the address of their struct sock. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct gadget_socket_owner);
} gadget_socket_seeds SEC(".maps");

/* Records the current task as the owner. The network namespace is set once,
 * by the creating task (a socket stays in the namespace it was created in). */
static __always_inline void gadget_socket_set_owner(struct gadget_socket_owner *owner)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	owner->mntns_id = gadget_task_mntns_id(task);
	if (!owner->netns_id)
		owner->netns_id = BPF_CORE_READ(task, nsproxy, net_ns, ns.inum);
	owner->pid = pid_tgid >> 32;
	owner->tid = (__u32)pid_tgid;
	owner->uid = (__u32)uid_gid;
	owner->gid = uid_gid >> 32;
	bpf_get_current_comm(owner->comm, sizeof(owner->comm));
}

static __always_inline bool gadget_socket_is_inet(__u32 family)
{
	return family == GADGET_AF_INET || family == GADGET_AF_INET6;
}

SEC("cgroup/sock_create")
int ig_sock_create(struct bpf_sock *ctx)
{
	struct gadget_socket_owner *owner;

	if (!gadget_socket_is_inet(ctx->family))
		return 1;
	owner = bpf_sk_storage_get(&gadget_sockets, ctx, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (owner)
		gadget_socket_set_owner(owner);
	return 1;
}

static __always_inline int gadget_socket_used(struct bpf_sock_addr *ctx)
{
	struct gadget_socket_owner *owner;
	struct bpf_sock *sk = ctx->sk;

	if (!sk)
		return 1;
	owner = bpf_sk_storage_get(&gadget_sockets, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (owner)
		gadget_socket_set_owner(owner);
	return 1;
}

SEC("cgroup/connect4")
int ig_sock_conn4(struct bpf_sock_addr *ctx)
{
	return gadget_socket_used(ctx);
}

SEC("cgroup/connect6")
int ig_sock_conn6(struct bpf_sock_addr *ctx)
{
	return gadget_socket_used(ctx);
}

SEC("cgroup/sendmsg4")
int ig_sock_send4(struct bpf_sock_addr *ctx)
{
	return gadget_socket_used(ctx);
}

SEC("cgroup/sendmsg6")
int ig_sock_send6(struct bpf_sock_addr *ctx)
{
	return gadget_socket_used(ctx);
}

/* A released socket's address may come back as another socket's. */
SEC("cgroup/sock_release")
int ig_sock_release(struct bpf_sock *ctx)
{
	__u64 address = (__u64)ctx;

	if (gadget_socket_is_inet(ctx->family))
		bpf_map_delete_elem(&gadget_socket_seeds, &address);
	return 1;
}

/* Run once at start: notes the owner of the sockets that already exist (the
 * first task found holding one, when several do). */
SEC("iter/task_file")
int ig_sock_seed(struct bpf_iter__task_file *ctx)
{
	struct gadget_socket_owner owner = {};
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct socket *sock;
	struct sock *sk;
	__u64 address;

	if (!task || !file)
		return 0;
	sock = bpf_sock_from_file(file);
	if (!sock)
		return 0;
	sk = BPF_CORE_READ(sock, sk);
	if (!sk || !gadget_socket_is_inet(BPF_CORE_READ(sk, __sk_common.skc_family)))
		return 0;
	owner.mntns_id = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	owner.netns_id = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	owner.pid = task->tgid;
	owner.tid = task->pid;
	owner.uid = BPF_CORE_READ(task, cred, uid.val);
	owner.gid = BPF_CORE_READ(task, cred, gid.val);
	BPF_CORE_READ_STR_INTO(&owner.comm, task, comm);
	address = (__u64)sk;
	bpf_map_update_elem(&gadget_socket_seeds, &address, &owner, BPF_NOEXIST);
	return 0;
}

/* The owner of a full socket, or NULL. A socket older than the gadget has no
 * storage yet: its seed, if any, becomes its storage now. */
static __always_inline struct gadget_socket_owner *gadget_socket_owner_of_sock(struct bpf_sock *sk)
{
	struct gadget_socket_owner *owner, *seed;
	__u64 address;

	owner = bpf_sk_storage_get(&gadget_sockets, sk, 0, 0);
	if (owner)
		return owner;
	address = (__u64)sk;
	seed = bpf_map_lookup_elem(&gadget_socket_seeds, &address);
	if (!seed)
		return NULL;
	owner = bpf_sk_storage_get(&gadget_sockets, sk, seed, BPF_SK_STORAGE_GET_F_CREATE);
	bpf_map_delete_elem(&gadget_socket_seeds, &address);
	return owner;
}

/* The owner of the socket a packet belongs to (cgroup_skb), or NULL. */
static __always_inline struct gadget_socket_owner *gadget_socket_owner_of(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;

	if (!sk)
		return NULL;
	sk = bpf_sk_fullsock(sk);
	if (!sk)
		return NULL;
	return gadget_socket_owner_of_sock(sk);
}

/* For ingress programs, on every packet: a listener older than the gadget
 * passes its owner on to the connections it accepts (the storage is cloned)
 * only once it has storage, so give it its seed when a handshake reaches it.
 * Costs a socket-state read on packets that are not for a listener. */
static __always_inline void gadget_socket_adopt_listener(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;

	if (!sk)
		return;
	sk = bpf_sk_fullsock(sk);
	if (sk && sk->state == BPF_TCP_LISTEN)
		gadget_socket_owner_of_sock(sk);
}

/* Fills an event header from the owner of a packet's socket: unknown owners
 * leave zeros. */
static __always_inline void gadget_fill_header_from_owner(struct gadget_event_header *header,
							  const struct gadget_socket_owner *owner)
{
	header->timestamp = bpf_ktime_get_boot_ns();
	if (!owner) {
		header->mntns_id = 0;
		header->pid = 0;
		header->tid = 0;
		header->uid = 0;
		header->gid = 0;
		__builtin_memset(header->comm, 0, sizeof(header->comm));
		return;
	}
	header->mntns_id = owner->mntns_id;
	header->pid = owner->pid;
	header->tid = owner->tid;
	header->uid = owner->uid;
	header->gid = owner->gid;
	__builtin_memcpy(header->comm, owner->comm, sizeof(header->comm));
}

#endif /* GADGET_SOCKET_H */
