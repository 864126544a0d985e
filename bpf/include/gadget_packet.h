/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Reads the IP and TCP/UDP headers of a packet seen by a cgroup_skb program,
 * where the data starts at the network header. Every read goes through
 * bpf_skb_load_bytes, which checks it against the packet's length: a short or
 * malformed packet makes the parse fail, never read past the packet.
 */
#ifndef GADGET_PACKET_H
#define GADGET_PACKET_H

#include "gadget.h"
#include <bpf/bpf_endian.h>

#define GADGET_ETH_P_IP 0x0800
#define GADGET_ETH_P_IPV6 0x86DD
#define GADGET_IPPROTO_TCP 6
#define GADGET_IPPROTO_UDP 17
#define GADGET_PACKET_HOST 0
#define GADGET_PACKET_OUTGOING 4

struct gadget_packet {
	__u8 saddr[16]; /* IPv4 addresses use the first 4 bytes */
	__u8 daddr[16];
	__u16 sport;    /* host byte order */
	__u16 dport;
	__u8 version;   /* 4 or 6 */
	__u8 proto;     /* GADGET_IPPROTO_TCP or GADGET_IPPROTO_UDP */
	__u32 payload_off; /* where the TCP/UDP payload starts */
	__u32 payload_len;
	__u32 seq;      /* TCP: sequence number of the payload's first byte (host order) */
};

/* Parses the headers; false for anything but unfragmented (or first-fragment)
 * TCP/UDP over IPv4 or IPv6 without extension headers. */
static __always_inline bool gadget_parse_packet(struct __sk_buff *skb, struct gadget_packet *p)
{
	__u32 l4_off;
	__u8 first;

	if (bpf_skb_load_bytes(skb, 0, &first, 1))
		return false;
	p->version = first >> 4;
	if (p->version == 4) {
		struct iphdr ip;
		__u32 ihl = (first & 0xf) * 4;

		if (ihl < sizeof(ip) || bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)))
			return false;
		/* Later fragments carry no L4 header. */
		if (bpf_ntohs(ip.frag_off) & 0x1fff)
			return false;
		p->proto = ip.protocol;
		__builtin_memset(p->saddr, 0, sizeof(p->saddr));
		__builtin_memset(p->daddr, 0, sizeof(p->daddr));
		__builtin_memcpy(p->saddr, &ip.saddr, 4);
		__builtin_memcpy(p->daddr, &ip.daddr, 4);
		l4_off = ihl;
	} else if (p->version == 6) {
		struct ipv6hdr ip6;

		if (bpf_skb_load_bytes(skb, 0, &ip6, sizeof(ip6)))
			return false;
		p->proto = ip6.nexthdr;
		__builtin_memcpy(p->saddr, &ip6.saddr, 16);
		__builtin_memcpy(p->daddr, &ip6.daddr, 16);
		l4_off = sizeof(ip6);
	} else {
		return false;
	}

	if (p->proto == GADGET_IPPROTO_UDP) {
		struct udphdr udp;

		if (bpf_skb_load_bytes(skb, l4_off, &udp, sizeof(udp)))
			return false;
		p->sport = bpf_ntohs(udp.source);
		p->dport = bpf_ntohs(udp.dest);
		p->payload_off = l4_off + sizeof(udp);
		p->seq = 0;
	} else if (p->proto == GADGET_IPPROTO_TCP) {
		struct tcphdr tcp;
		__u32 doff;

		if (bpf_skb_load_bytes(skb, l4_off, &tcp, sizeof(tcp)))
			return false;
		doff = tcp.doff * 4;
		if (doff < sizeof(tcp))
			return false;
		p->sport = bpf_ntohs(tcp.source);
		p->dport = bpf_ntohs(tcp.dest);
		p->seq = bpf_ntohl(tcp.seq);
		p->payload_off = l4_off + doff;
	} else {
		return false;
	}
	p->payload_len = skb->len > p->payload_off ? skb->len - p->payload_off : 0;
	return true;
}

/*
 * Per-CPU scratch space for packet programs. An egress program may run in
 * process context and be interrupted by a softirq that runs an ingress program
 * on the same CPU: each nesting level gets its own slot of the gadget's scratch
 * array (GADGET_PACKET_NEST_MAX entries), so the inner run cannot overwrite the
 * record the outer one is building.
 */
#define GADGET_PACKET_NEST_MAX 3

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} gadget_packet_nesting SEC(".maps");

/* Enters a nesting level and returns it; a level of GADGET_PACKET_NEST_MAX or
 * more has no slot. Every call must be paired with gadget_packet_nest_exit(). */
static __always_inline __u32 gadget_packet_nest_enter(void)
{
	__u32 zero = 0;
	__u32 *level = bpf_map_lookup_elem(&gadget_packet_nesting, &zero);

	if (!level)
		return GADGET_PACKET_NEST_MAX;
	return (*level)++;
}

static __always_inline void gadget_packet_nest_exit(void)
{
	__u32 zero = 0;
	__u32 *level = bpf_map_lookup_elem(&gadget_packet_nesting, &zero);

	if (level && *level)
		(*level)--;
}

#endif /* GADGET_PACKET_H */
