// SPDX-License-Identifier: GPL-2.0
/*
 * trace sni: the server name (SNI) of each TLS ClientHello that a socket of
 * this machine sends or receives, attributed to the process owning the socket.
 *
 * Same hooks as trace dns (cgroup_skb egress and ingress on the cgroup v2 root,
 * owners from gadget_socket.h). The kernel keeps TCP segments that start a TLS
 * handshake record holding a ClientHello and copies its first SNI_CAPTURE_MAX
 * bytes; user space finds the server_name extension, bounded and defensive.
 */
#include "gadget.h"
#include "gadget_packet.h"
#include "gadget_socket.h"

#define SNI_CAPTURE_MAX 2048
/* Record header (5) + handshake header (4) + version (2) + random (32). */
#define SNI_CLIENT_HELLO_MIN 43
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

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, GADGET_PACKET_NEST_MAX);
	__type(key, __u32);
	__type(value, struct sni_record);
} scratch SEC(".maps");

GADGET_EVENT(sni_event);

static __always_inline void emit(struct __sk_buff *skb, const struct gadget_packet *pkt,
				 const struct gadget_socket_owner *owner)
{
	__u32 level = gadget_packet_nest_enter();
	struct sni_record *record;
	__u64 size;

	record = level < GADGET_PACKET_NEST_MAX ? bpf_map_lookup_elem(&scratch, &level) : NULL;
	if (!record) {
		gadget_count_lost();
		goto out;
	}
	size = pkt->payload_len < SNI_CAPTURE_MAX ? pkt->payload_len : SNI_CAPTURE_MAX;
	/* Keep clang from merging the checks: the verifier needs both bounds on the register it passes. */
	barrier_var(size);
	if (size < SNI_CLIENT_HELLO_MIN || size > SNI_CAPTURE_MAX ||
	    bpf_skb_load_bytes(skb, pkt->payload_off, record->data, size))
		goto out;

	struct sni_event *event = &record->event;

	gadget_fill_header_from_owner(&event->header, owner);
	event->netns_id = owner ? owner->netns_id : 0;
	event->data_size = size;
	gadget_output(record, sizeof(struct sni_event) + size);
out:
	gadget_packet_nest_exit();
}

static __always_inline int handle_packet(struct __sk_buff *skb)
{
	struct gadget_socket_owner *owner;
	struct gadget_packet pkt;
	__u8 start[6];

	/* Cheap checks first: nearly every packet is not a ClientHello. */
	if (!gadget_parse_packet(skb, &pkt) || pkt.proto != GADGET_IPPROTO_TCP ||
	    pkt.payload_len < SNI_CLIENT_HELLO_MIN ||
	    bpf_skb_load_bytes(skb, pkt.payload_off, start, sizeof(start)))
		return 1;
	/* A handshake record of TLS 1.x (legacy version 3.x) starting with a ClientHello. */
	if (start[0] != TLS_CONTENT_TYPE_HANDSHAKE || start[1] != 3 || start[5] != TLS_HANDSHAKE_CLIENT_HELLO)
		return 1;

	owner = gadget_socket_owner_of(skb);
	if (gadget_should_discard_mntns_id(owner ? owner->mntns_id : 0))
		return 1;
	emit(skb, &pkt, owner);
	return 1;
}

SEC("cgroup_skb/egress")
int ig_sni_egress(struct __sk_buff *skb)
{
	return handle_packet(skb);
}

SEC("cgroup_skb/ingress")
int ig_sni_ingress(struct __sk_buff *skb)
{
	gadget_socket_adopt_listener(skb);
	return handle_packet(skb);
}

char LICENSE[] SEC("license") = "GPL";
