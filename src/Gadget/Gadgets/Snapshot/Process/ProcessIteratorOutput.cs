using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Gadget.Gadgets.Snapshot.Process;

/// <summary>Decodes one pass of the task iterator: a stream of records, each a
/// <see cref="ProcessEntry"/> or a <see cref="ProcessSeen"/>, told apart by their first word.</summary>
public static class ProcessIteratorOutput
{
    private static readonly int EntrySize = Unsafe.SizeOf<ProcessEntry>();
    private static readonly int SeenSize = Unsafe.SizeOf<ProcessSeen>();

    /// <summary>Adds the entries to <paramref name="entries"/> and the thread group id of every
    /// process the pass covered, kept or left out, to <paramref name="covered"/>. Returns false
    /// (after what was whole) when the bytes end inside a record or hold an unknown kind.</summary>
    public static bool Decode(ReadOnlySpan<byte> data, List<ProcessEntry> entries, HashSet<int> covered)
    {
        while (data.Length >= sizeof(uint))
        {
            switch ((ProcessRecordKind)MemoryMarshal.Read<uint>(data))
            {
                case ProcessRecordKind.Entry when data.Length >= EntrySize:
                    var entry = MemoryMarshal.Read<ProcessEntry>(data);
                    entries.Add(entry);
                    covered.Add((int)entry.Header.Pid);
                    data = data[EntrySize..];
                    break;
                case ProcessRecordKind.Seen when data.Length >= SeenSize:
                    covered.Add((int)MemoryMarshal.Read<ProcessSeen>(data).Tgid);
                    data = data[SeenSize..];
                    break;
                default:
                    return false;
            }
        }
        return data.IsEmpty;
    }
}
