using Gadget.Native;

namespace Gadget.Gadgets.Snapshot.Process;

/// <summary>What one snapshot of processes found: the entries, and where they came from.</summary>
public sealed record ProcessSnapshotResult(List<ProcessEntry> Entries, int FromIterator, int FromProc)
{
    /// <summary>How long the iterator's pass took, and then the completion from /proc.</summary>
    public TimeSpan IteratorTime { get; init; }

    public TimeSpan ProcTime { get; init; }
}

/// <summary>Takes a snapshot of the processes: one pass of the task iterator (filtered by mount
/// namespace in the kernel), completed from /proc.</summary>
public static class ProcessSnapshot
{
    public static ProcessSnapshotResult Take(BpfLink iterator, bool threads, Func<ulong, bool> wants)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var buffer = Array.Empty<byte>();
        var length = BpfIterator.Read(iterator, ref buffer);
        var entries = new List<ProcessEntry>(length / System.Runtime.CompilerServices.Unsafe.SizeOf<ProcessEntry>() + 16);
        var covered = new HashSet<int>(length / System.Runtime.CompilerServices.Unsafe.SizeOf<ProcessSeen>());
        if (!ProcessIteratorOutput.Decode(buffer.AsSpan(0, length), entries, covered))
            throw new InvalidDataException($"the task iterator wrote {length} bytes that are not whole records");
        var fromIterator = entries.Count;
        var iteratorTime = clock.Elapsed;
        var fromProc = ProcCompletion.Complete(covered, threads, wants, entries);
        return new ProcessSnapshotResult(entries, fromIterator, fromProc) { IteratorTime = iteratorTime, ProcTime = clock.Elapsed - iteratorTime };
    }
}
