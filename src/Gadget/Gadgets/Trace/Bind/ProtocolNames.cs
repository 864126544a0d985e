namespace Gadget.Gadgets.Trace.Bind;

/// <summary>Names of IP protocol numbers (sk_protocol), as the reference prints them.</summary>
public static class ProtocolNames
{
    private static readonly Dictionary<int, byte[]> Names = new()
    {
        [0] = "IP"u8.ToArray(), [1] = "ICMP"u8.ToArray(), [2] = "IGMP"u8.ToArray(), [4] = "IPIP"u8.ToArray(),
        [6] = "TCP"u8.ToArray(), [8] = "EGP"u8.ToArray(), [12] = "PUP"u8.ToArray(), [17] = "UDP"u8.ToArray(),
        [22] = "IDP"u8.ToArray(), [29] = "TP"u8.ToArray(), [33] = "DCCP"u8.ToArray(), [41] = "IPV6"u8.ToArray(),
        [46] = "RSVP"u8.ToArray(), [47] = "GRE"u8.ToArray(), [50] = "ESP"u8.ToArray(), [51] = "AH"u8.ToArray(),
        [58] = "ICMPV6"u8.ToArray(), [92] = "MTP"u8.ToArray(), [94] = "BEETPH"u8.ToArray(), [98] = "ENCAP"u8.ToArray(),
        [103] = "PIM"u8.ToArray(), [108] = "COMP"u8.ToArray(), [132] = "SCTP"u8.ToArray(), [136] = "UDPLITE"u8.ToArray(),
        [137] = "MPLS"u8.ToArray(), [143] = "ETHERNET"u8.ToArray(), [255] = "RAW"u8.ToArray(), [262] = "MPTCP"u8.ToArray(),
    };

    private static readonly byte[] Unknown = "UNKNOWN"u8.ToArray();

    public static ReadOnlySpan<byte> Of(int protocol) => Names.TryGetValue(protocol, out var name) ? name : Unknown;
}
