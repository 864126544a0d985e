using System.Runtime.InteropServices;
using Gadget.Gadgets.Common;

namespace Gadget.Gadgets.Trace.Dns;

/// <summary>Mirror of struct dns_event (dns.bpf.c). After it come the first DataSize bytes of
/// the DNS message (without the TCP length prefix).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct DnsEvent
{
    public EventHeader Header;
    public ulong NetnsId;
    public ulong LatencyNs;
    public AddressBytes Saddr;
    public AddressBytes Daddr;
    public ushort Sport;
    public ushort Dport;
    public ushort DnsLen;
    public ushort DataSize;
    public byte IpVersion;
    public byte Proto;
    public byte PktType;
}
