// SPDX-License-Identifier: GPL-2.0
/*
 * trace dns: one event per DNS query or response (UDP or TCP) that a socket of
 * this machine sends or receives, attributed to the process owning the socket.
 *
 * The hooks are cgroup_skb egress and ingress on the root of the cgroup v2
 * hierarchy: one attachment covers every socket of every network namespace,
 * present and future, and each packet comes with its socket. A query is thus
 * attributed to the socket that sends it and a response to the socket that
 * receives it (gadget_socket.h), whatever task the network stack runs in.
 *
 * The kernel keeps what looks like DNS (a --ports port on either side, one
 * question, no answers in a query) and copies the message, at most
 * DNS_CAPTURE_MAX bytes; user space decodes names, types and answers, where a
 * malformed message cannot hurt. The latency of a response is measured here:
 * each outgoing query's time is kept by (socket, DNS id) until its response
 * comes in on the same socket.
 */
#include "gadget.h"
#include "gadget_packet.h"
#include "gadget_socket.h"

#define DNS_CAPTURE_MAX 512
#define DNS_HEADER_LEN 12
#define DNS_MAX_PENDING_QUERIES 16384

struct dns_event {
	struct gadget_event_header header;
	gadget_netns_id netns_id;
	__u64 latency_ns;  /* responses whose query was seen; 0 otherwise */
	__u8 saddr[16];    /* IPv4 addresses use the first 4 bytes */
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u16 dns_len;     /* length of the DNS message in the packet */
	__u16 data_size;   /* bytes of it copied to data */
	__u8 ip_version;   /* 4 or 6 */
	__u8 proto;        /* IPPROTO_UDP or IPPROTO_TCP */
	__u8 pkt_type;     /* PACKET_HOST (received) or PACKET_OUTGOING (sent) */
	__u8 pad[5];
	char data[];
};

struct dns_record {
	struct dns_event event;
	char data[DNS_CAPTURE_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, GADGET_PACKET_NEST_MAX);
	__type(key, __u32);
	__type(value, struct dns_record);
} scratch SEC(".maps");

/* The ports whose traffic is DNS (--ports), one bit per port. */
struct dns_port_set {
	__u8 bits[65536 / 8];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dns_port_set);
} dns_ports SEC(".maps");

struct dns_query_key {
	__u64 socket_cookie;
	__u16 id;
	__u16 pad[3];
};

/* When each outgoing query left, until its response arrives. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, DNS_MAX_PENDING_QUERIES);
	__type(key, struct dns_query_key);
	__type(value, __u64);
} dns_queries SEC(".maps");

GADGET_EVENT(dns_event);

static __always_inline bool is_dns_port(const struct dns_port_set *ports, __u16 port)
{
	return ports->bits[(port >> 3) & 8191] & (1 << (port & 7));
}

/* A response later than this after its query (--dns-timeout) has no latency:
 * the query is taken as unanswered, as the reference does. */
const volatile __u64 query_timeout_ns = 10000000000ULL;

static __always_inline __u64 measure_latency(struct __sk_buff *skb, __u16 id, bool response,
					     bool egress, __u64 now)
{
	struct dns_query_key key = { .id = id };
	__u64 *sent;

	if (!response && egress) {
		key.socket_cookie = bpf_get_socket_cookie(skb);
		bpf_map_update_elem(&dns_queries, &key, &now, BPF_ANY);
		return 0;
	}
	if (!response || egress)
		return 0;
	key.socket_cookie = bpf_get_socket_cookie(skb);
	sent = bpf_map_lookup_elem(&dns_queries, &key);
	if (!sent)
		return 0;
	__u64 latency = now - *sent;
	bpf_map_delete_elem(&dns_queries, &key);
	return latency <= query_timeout_ns ? latency : 0;
}

static __always_inline void emit(struct __sk_buff *skb, const struct gadget_packet *pkt,
				 const struct gadget_socket_owner *owner, bool egress,
				 __u32 dns_off, __u32 dns_len, __u64 now, __u64 latency)
{
	__u32 level = gadget_packet_nest_enter();
	struct dns_record *record;
	__u64 size;

	record = level < GADGET_PACKET_NEST_MAX ? bpf_map_lookup_elem(&scratch, &level) : NULL;
	if (!record) {
		gadget_count_lost();
		goto out;
	}
	size = dns_len < DNS_CAPTURE_MAX ? dns_len : DNS_CAPTURE_MAX;
	/* Keep clang from merging the checks: the verifier needs both bounds on the register it passes. */
	barrier_var(size);
	if (size < DNS_HEADER_LEN || size > DNS_CAPTURE_MAX ||
	    bpf_skb_load_bytes(skb, dns_off, record->data, size))
		goto out;

	struct dns_event *event = &record->event;

	gadget_fill_header_from_owner(&event->header, owner);
	event->header.timestamp = now;
	event->netns_id = owner ? owner->netns_id : 0;
	event->latency_ns = latency;
	__builtin_memcpy(event->saddr, pkt->saddr, sizeof(event->saddr));
	__builtin_memcpy(event->daddr, pkt->daddr, sizeof(event->daddr));
	event->sport = pkt->sport;
	event->dport = pkt->dport;
	event->dns_len = dns_len;
	event->data_size = size;
	event->ip_version = pkt->version;
	event->proto = pkt->proto;
	event->pkt_type = egress ? GADGET_PACKET_OUTGOING : skb->pkt_type;
	gadget_output(record, sizeof(struct dns_event) + size);
out:
	gadget_packet_nest_exit();
}

static __always_inline int handle_packet(struct __sk_buff *skb, bool egress)
{
	struct gadget_socket_owner *owner;
	const struct dns_port_set *ports;
	struct gadget_packet pkt;
	__u8 header[DNS_HEADER_LEN];
	__u32 zero = 0, dns_off, dns_len;

	/* Port and header checks first: they are cheaper than the owner lookup
	 * and discard nearly every packet of the machine. */
	if (!gadget_parse_packet(skb, &pkt))
		return 1;
	ports = bpf_map_lookup_elem(&dns_ports, &zero);
	if (!ports || !(is_dns_port(ports, pkt.sport) || is_dns_port(ports, pkt.dport)))
		return 1;

	dns_off = pkt.payload_off;
	dns_len = pkt.payload_len;
	if (pkt.proto == GADGET_IPPROTO_TCP) {
		/* Over TCP, each message is preceded by its length. Segments that do
		 * not start a message (continuations, bare ACKs) fail the checks below. */
		__u16 prefix;

		if (dns_len < 2 + DNS_HEADER_LEN || bpf_skb_load_bytes(skb, dns_off, &prefix, 2))
			return 1;
		prefix = bpf_ntohs(prefix);
		dns_off += 2;
		dns_len -= 2;
		if (prefix < dns_len)
			dns_len = prefix;
	}
	if (dns_len < DNS_HEADER_LEN || bpf_skb_load_bytes(skb, dns_off, header, sizeof(header)))
		return 1;

	bool response = header[2] >> 7;
	__u16 qdcount = (__u16)header[4] << 8 | header[5];
	__u16 ancount = (__u16)header[6] << 8 | header[7];
	__u16 nscount = (__u16)header[8] << 8 | header[9];

	if (qdcount != 1 || (!response && (ancount || nscount)))
		return 1;

	owner = gadget_socket_owner_of(skb);
	if (gadget_should_discard_mntns_id(owner ? owner->mntns_id : 0))
		return 1;

	__u64 now = bpf_ktime_get_boot_ns();
	__u64 latency = measure_latency(skb, (__u16)header[0] << 8 | header[1], response, egress, now);

	emit(skb, &pkt, owner, egress, dns_off, dns_len, now, latency);
	return 1;
}

SEC("cgroup_skb/egress")
int ig_dns_egress(struct __sk_buff *skb)
{
	return handle_packet(skb, true);
}

SEC("cgroup_skb/ingress")
int ig_dns_ingress(struct __sk_buff *skb)
{
	gadget_socket_adopt_listener(skb);
	return handle_packet(skb, false);
}

char LICENSE[] SEC("license") = "GPL";
