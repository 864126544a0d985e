// SPDX-License-Identifier: GPL-2.0
/*
 * trace sni: the server name (SNI) of each TLS ClientHello that a socket of
 * this machine sends or receives, attributed to the process owning the socket.
 *
 * Same hooks as trace dns (cgroup_skb egress and ingress on the cgroup v2 root,
 * owners from gadget_socket.h). The kernel keeps TCP segments that start a TLS
 * handshake record holding a ClientHello and copies its first SNI_CAPTURE_MAX
 * bytes; user space finds the server_name extension, bounded and defensive.
 *
 * A ClientHello larger than its first segment (a post-quantum key share makes
 * one about 1.8 KB, and MTU 1500 cuts segments at 1448 bytes) is gathered in the
 * kernel: the first segment waits in a map keyed by socket and direction, the
 * following in-order segments of that socket are appended, and the event leaves
 * when the record (or SNI_CAPTURE_MAX of it) is complete. A lookup in that map
 * is made only while some hello waits.
 */
#include "gadget.h"
#include "gadget_packet.h"
#include "gadget_socket.h"

#define SNI_CAPTURE_MAX 4096
/* Record header (5) + handshake header (4) + version (2) + random (32). */
#define SNI_CLIENT_HELLO_MIN 43
#define SNI_RECORD_HEADER 5
#define SNI_PENDING_MAX 512
#define TLS_CONTENT_TYPE_HANDSHAKE 0x16
#define TLS_HANDSHAKE_CLIENT_HELLO 0x01

struct sni_event {
	struct gadget_event_header header;
	gadget_netns_id netns_id;
	__u16 data_size; /* bytes of the TLS record copied to data */
	__u8 pad[6];
	char data[];
};

struct sni_record {
	struct sni_event event;
	char data[SNI_CAPTURE_MAX];
};

/* A hello being gathered: the event so far, and where the next segment starts. */
struct sni_pending {
	__u32 next_seq;
	__u16 wanted; /* bytes of the record to capture in all */
	__u16 pad;
	struct sni_record record;
	/* Never filled: lets the verifier see that a copy of up to SNI_CAPTURE_MAX
	 * bytes at any offset below SNI_CAPTURE_MAX stays inside the value. */
	char room[SNI_CAPTURE_MAX];
};

struct sni_flow {
	__u64 socket_cookie;
	__u32 egress;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, GADGET_PACKET_NEST_MAX);
	__type(key, __u32);
	__type(value, struct sni_pending);
} scratch SEC(".maps");

/* Hellos waiting for their next segment; the least recently used goes first
 * when a flood of half-sent hellos fills it. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SNI_PENDING_MAX);
	__type(key, struct sni_flow);
	__type(value, struct sni_pending);
} pending SEC(".maps");

/* How many hellos may be waiting (evictions are not counted, so this may stay
 * above zero: it only decides whether a segment is looked up). */
__u32 pending_count = 0;

GADGET_EVENT(sni_event);

static __always_inline void emit(struct sni_record *record)
{
	__u64 size = record->event.data_size;

	if (size > SNI_CAPTURE_MAX)
		return;
	gadget_output(record, sizeof(struct sni_event) + size);
}

/* A segment that starts a ClientHello record of record_size bytes. */
static __always_inline void start_hello(struct __sk_buff *skb, const struct gadget_packet *pkt,
					const struct gadget_socket_owner *owner, __u32 record_size, bool egress)
{
	__u32 level = gadget_packet_nest_enter();
	struct sni_pending *p;
	__u64 wanted = record_size < SNI_CAPTURE_MAX ? record_size : SNI_CAPTURE_MAX;
	__u64 size;

	p = level < GADGET_PACKET_NEST_MAX ? bpf_map_lookup_elem(&scratch, &level) : NULL;
	if (!p) {
		gadget_count_lost();
		goto out;
	}
	size = pkt->payload_len < wanted ? pkt->payload_len : wanted;
	/* Keep clang from merging the checks: the verifier needs both bounds on the register it passes. */
	barrier_var(size);
	if (size < SNI_CLIENT_HELLO_MIN || size > SNI_CAPTURE_MAX ||
	    bpf_skb_load_bytes(skb, pkt->payload_off, p->record.data, size))
		goto out;

	struct sni_event *event = &p->record.event;

	gadget_fill_header_from_owner(&event->header, owner);
	event->netns_id = owner ? owner->netns_id : 0;
	event->data_size = size;
	if (size >= wanted) {
		emit(&p->record);
		goto out;
	}

	struct sni_flow flow = { .socket_cookie = bpf_get_socket_cookie(skb), .egress = egress };

	if (!flow.socket_cookie) {
		emit(&p->record); /* no socket to follow: what came is all there is */
		goto out;
	}
	p->next_seq = pkt->seq + pkt->payload_len;
	p->wanted = wanted;
	if (bpf_map_update_elem(&pending, &flow, p, BPF_ANY) == 0)
		__sync_fetch_and_add(&pending_count, 1);
out:
	gadget_packet_nest_exit();
}

/* A segment of a socket that may have a hello waiting: appended when it is the next one. */
static __always_inline void continue_hello(struct __sk_buff *skb, const struct gadget_packet *pkt, bool egress)
{
	struct sni_flow flow = { .socket_cookie = bpf_get_socket_cookie(skb), .egress = egress };
	struct sni_pending *p;
	__u64 offset, size;

	if (!flow.socket_cookie)
		return;
	p = bpf_map_lookup_elem(&pending, &flow);
	if (!p || p->next_seq != pkt->seq) /* none, or a retransmission: wait for the next one */
		return;
	offset = p->record.event.data_size;
	size = p->wanted > offset ? p->wanted - offset : 0;
	if (size > pkt->payload_len)
		size = pkt->payload_len;
	barrier_var(size);
	if (offset >= SNI_CAPTURE_MAX || size == 0 || size > SNI_CAPTURE_MAX ||
	    bpf_skb_load_bytes(skb, pkt->payload_off, p->record.data + offset, size)) {
		emit(&p->record);
		goto done;
	}
	p->record.event.data_size = offset + size;
	p->next_seq += pkt->payload_len;
	if (offset + size < p->wanted)
		return;
	emit(&p->record);
done:
	if (bpf_map_delete_elem(&pending, &flow) == 0)
		__sync_fetch_and_add(&pending_count, -1);
}

static __always_inline int handle_packet(struct __sk_buff *skb, bool egress)
{
	struct gadget_socket_owner *owner;
	struct gadget_packet pkt;
	__u8 start[6];

	/* Cheap checks first: nearly every packet is not a ClientHello. */
	if (!gadget_parse_packet(skb, &pkt) || pkt.proto != GADGET_IPPROTO_TCP || pkt.payload_len == 0)
		return 1;
	if (pkt.payload_len < SNI_CLIENT_HELLO_MIN ||
	    bpf_skb_load_bytes(skb, pkt.payload_off, start, sizeof(start)) ||
	    /* A handshake record of TLS 1.x (legacy version 3.x) starting with a ClientHello. */
	    start[0] != TLS_CONTENT_TYPE_HANDSHAKE || start[1] != 3 || start[5] != TLS_HANDSHAKE_CLIENT_HELLO) {
		if (pending_count)
			continue_hello(skb, &pkt, egress);
		return 1;
	}

	owner = gadget_socket_owner_of(skb);
	if (gadget_should_discard_mntns_id(owner ? owner->mntns_id : 0))
		return 1;
	start_hello(skb, &pkt, owner, SNI_RECORD_HEADER + ((__u32)start[3] << 8 | start[4]), egress);
	return 1;
}

SEC("cgroup_skb/egress")
int ig_sni_egress(struct __sk_buff *skb)
{
	return handle_packet(skb, true);
}

SEC("cgroup_skb/ingress")
int ig_sni_ingress(struct __sk_buff *skb)
{
	gadget_socket_adopt_listener(skb);
	return handle_packet(skb, false);
}

char LICENSE[] SEC("license") = "GPL";
