using System.Collections.Frozen;
using System.Text;

namespace Gadget.Gadgets.Trace.Dns;

/// <summary>The names the reference gives to query types, response codes and packet types.</summary>
public static class DnsNames
{
    // IANA's DNS resource record types (dns-parameters-4).
    private static readonly FrozenDictionary<ushort, byte[]> QueryTypes = new Dictionary<ushort, string>
    {
        [1] = "A", [2] = "NS", [3] = "MD", [4] = "MF", [5] = "CNAME", [6] = "SOA", [7] = "MB", [8] = "MG",
        [9] = "MR", [10] = "NULL", [11] = "WKS", [12] = "PTR", [13] = "HINFO", [14] = "MINFO", [15] = "MX",
        [16] = "TXT", [17] = "RP", [18] = "AFSDB", [19] = "X25", [20] = "ISDN", [21] = "RT", [22] = "NSAP",
        [23] = "NSAP-PTR", [24] = "SIG", [25] = "KEY", [26] = "PX", [27] = "GPOS", [28] = "AAAA", [29] = "LOC",
        [30] = "NXT", [31] = "EID", [32] = "NIMLOC", [33] = "SRV", [34] = "ATMA", [35] = "NAPTR", [36] = "KX",
        [37] = "CERT", [38] = "A6", [39] = "DNAME", [40] = "SINK", [41] = "OPT", [42] = "APL", [43] = "DS",
        [44] = "SSHFP", [45] = "IPSECKEY", [46] = "RRSIG", [47] = "NSEC", [48] = "DNSKEY", [49] = "DHCID",
        [50] = "NSEC3", [51] = "NSEC3PARAM", [52] = "TLSA", [53] = "SMIMEA", [55] = "HIP", [56] = "NINFO",
        [57] = "RKEY", [58] = "TALINK", [59] = "CDS", [60] = "CDNSKEY", [61] = "OPENPGPKEY", [62] = "CSYNC",
        [63] = "ZONEMD", [64] = "SVCB", [65] = "HTTPS", [99] = "SPF", [100] = "UINFO", [101] = "UID",
        [102] = "GID", [103] = "UNSPEC", [104] = "NID", [105] = "L32", [106] = "L64", [107] = "LP",
        [108] = "EUI48", [109] = "EUI64", [249] = "TKEY", [250] = "TSIG", [251] = "IXFR", [252] = "AXFR",
        [253] = "MAILB", [254] = "MAILA", [255] = "*", [256] = "URI", [257] = "CAA", [258] = "AVC",
        [259] = "DOA", [260] = "AMTRELAY", [32768] = "TA", [32769] = "DLV",
    }.ToFrozenDictionary(p => p.Key, p => Encoding.ASCII.GetBytes(p.Value));

    // The reference's texts (those of the Go packet library it decodes with), IANA's descriptions;
    // codes above 15 need an OPT record, and are listed for the day the extended code is read.
    private static readonly FrozenDictionary<int, byte[]> ResponseCodes = new Dictionary<int, string>
    {
        [0] = "No Error", [1] = "Format Error", [2] = "Server Failure", [3] = "Non-Existent Domain",
        [4] = "Not Implemented", [5] = "Query Refused", [6] = "Name Exists when it should not",
        [7] = "RR Set Exists when it should not", [8] = "RR Set that should exist does not",
        [9] = "Server Not Authoritative for zone", [10] = "Name not contained in zone",
        [16] = "Bad OPT Version", [17] = "Key not recognized", [18] = "Signature out of time window",
        [19] = "Bad TKEY Mode", [20] = "Duplicate key name", [21] = "Algorithm not supported",
        [22] = "Bad Truncation", [23] = "Bad/missing Server Cookie",
    }.ToFrozenDictionary(p => p.Key, p => Encoding.ASCII.GetBytes(p.Value));

    // linux/if_packet.h PACKET_HOST ... PACKET_KERNEL.
    private static readonly byte[][] PacketTypes =
    [
        "HOST"u8.ToArray(), "BROADCAST"u8.ToArray(), "MULTICAST"u8.ToArray(), "OTHERHOST"u8.ToArray(),
        "OUTGOING"u8.ToArray(), "LOOPBACK"u8.ToArray(), "USER"u8.ToArray(), "KERNEL"u8.ToArray(),
    ];

    /// <summary>"A", "AAAA", ...; "UNASSIGNED" for types IANA did not assign.</summary>
    public static ReadOnlySpan<byte> QueryType(ushort type) =>
        QueryTypes.TryGetValue(type, out var name) ? name : "UNASSIGNED"u8;

    /// <summary>"No Error", "Non-Existent Domain", ...; "Unknown" for codes without a name.</summary>
    public static ReadOnlySpan<byte> ResponseCode(int code) =>
        ResponseCodes.TryGetValue(code, out var name) ? name : "Unknown"u8;

    /// <summary>"HOST" (received), "OUTGOING" (sent), ...; "UNKNOWN" otherwise.</summary>
    public static ReadOnlySpan<byte> PacketType(byte type) =>
        type < PacketTypes.Length ? PacketTypes[type] : "UNKNOWN"u8;
}
