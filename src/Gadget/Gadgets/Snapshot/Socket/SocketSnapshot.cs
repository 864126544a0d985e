using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Gadget.Native;

namespace Gadget.Gadgets.Snapshot.Socket;

/// <summary>Reads the sockets of network namespaces with the TCP and UDP iterators: one pass of
/// each per namespace, its iterator file created from inside the namespace.</summary>
public static class SocketSnapshot
{
    private static readonly int EntrySize = Unsafe.SizeOf<SocketEntry>();

    /// <summary>The sockets of <paramref name="netns"/> (null: ig's own namespace), one pass of
    /// each iterator, added to <paramref name="entries"/>; <paramref name="buffer"/> is reused.</summary>
    public static void Read(IReadOnlyList<BpfLink> iterators, NetworkNamespace? netns, List<SocketEntry> entries, ref byte[] buffer)
    {
        foreach (var iterator in iterators)
        {
            var length = netns is null ? BpfIterator.Read(iterator, ref buffer) : BpfIterator.Read(iterator, netns, ref buffer);
            if (!Decode(buffer.AsSpan(0, length), entries))
                throw new InvalidDataException($"the socket iterator {iterator.ProgramName} wrote {length} bytes that are not whole records");
        }
    }

    /// <summary>Adds each record of one pass to <paramref name="entries"/>; false when the bytes
    /// end inside a record.</summary>
    public static bool Decode(ReadOnlySpan<byte> data, List<SocketEntry> entries)
    {
        for (; data.Length >= EntrySize; data = data[EntrySize..])
            entries.Add(MemoryMarshal.Read<SocketEntry>(data));
        return data.IsEmpty;
    }
}
