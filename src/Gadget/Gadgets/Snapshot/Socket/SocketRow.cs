using System.Buffers.Binary;
using Gadget.Gadgets.Common;

namespace Gadget.Gadgets.Snapshot.Socket;

/// <summary>One socket of a snapshot, with the network namespace it was found in. No process
/// owns it in the header: a socket belongs to its namespace, and the frame attributes it to
/// the namespace's container or pod.</summary>
public sealed class SocketRow : GadgetRow
{
    public SocketEntry Entry;

    public ulong NetnsId;

    /// <summary>What the SRC and DST columns sort by: IP version, address bytes, then port, so
    /// that 10.0.0.2 comes before 10.0.0.10 and ports go by number.</summary>
    public byte[] SrcKey = [], DstKey = [];

    public static SocketRow From(in SocketEntry entry, ulong netnsId, long bootNs) => new()
    {
        Header = new EventHeader { Timestamp = (ulong)bootNs },
        Entry = entry,
        NetnsId = netnsId,
        SrcKey = SortKey(entry.Src),
        DstKey = SortKey(entry.Dst),
    };

    /// <summary>Version, the 16 address bytes (IPv4 in the first four), port big-endian.</summary>
    public static byte[] SortKey(in L4Endpoint endpoint)
    {
        var key = new byte[19];
        key[0] = endpoint.Version;
        ReadOnlySpan<byte> address = endpoint.Addr;
        address.CopyTo(key.AsSpan(1));
        BinaryPrimitives.WriteUInt16BigEndian(key.AsSpan(17), endpoint.Port);
        return key;
    }
}
