using System.Diagnostics;

namespace Gadget.Runtime;

/// <summary>Copies of ring buffer records set aside, in arrival order, in one buffer allocated
/// on first use and never grown: when it is full, a record is refused (and counted as lost by
/// the caller) rather than memory spent or the ring left unread.</summary>
internal sealed class HeldRecords
{
    /// <summary>What is known of one held record.</summary>
    internal struct Slot
    {
        public int Offset;
        public int Length;
        public ulong MntnsId;
        public long HeldAt;
        /// <summary>0 for a record of a pending namespace; else the kernel's count of new
        /// namespaces when it was held: it waits until user space has taken in that many.</summary>
        public ulong WaitForMarks;
    }

    private readonly int _capacityBytes;
    private readonly int _capacityRecords;
    private byte[]? _bytes;
    private Slot[]? _slots;
    private int _used;

    public HeldRecords(int capacityBytes = 4 * 1024 * 1024, int capacityRecords = 16 * 1024)
    {
        _capacityBytes = capacityBytes;
        _capacityRecords = capacityRecords;
    }

    public int Count { get; private set; }

    /// <summary>The oldest record's hold time (Stopwatch ticks), when there is one.</summary>
    public long OldestHeldAt => Count > 0 ? _slots![0].HeldAt : 0;

    public bool TryAdd(ReadOnlySpan<byte> record, ulong mntns, ulong waitForMarks)
    {
        _bytes ??= new byte[_capacityBytes];
        _slots ??= new Slot[_capacityRecords];
        if (Count == _slots.Length || _used + record.Length > _bytes.Length)
            return false;
        record.CopyTo(_bytes.AsSpan(_used));
        _slots[Count++] = new Slot
        {
            Offset = _used,
            Length = record.Length,
            MntnsId = mntns,
            HeldAt = Stopwatch.GetTimestamp(),
            WaitForMarks = waitForMarks,
        };
        _used += record.Length;
        return true;
    }

    /// <summary>Offers every record, oldest first, to <paramref name="release"/>; those it does
    /// not deal with stay, in order, with what it changed in their slot.</summary>
    public void Release(IReleaser release)
    {
        if (Count == 0)
            return;
        var kept = 0;
        var used = 0;
        for (var i = 0; i < Count; i++)
        {
            var slot = _slots![i];
            if (release.TryRelease(ref slot, _bytes.AsSpan(slot.Offset, slot.Length)))
                continue;
            // Moving down never overlaps a later record's bytes: offsets only grow.
            if (slot.Offset != used)
                _bytes.AsSpan(slot.Offset, slot.Length).CopyTo(_bytes.AsSpan(used));
            slot.Offset = used;
            used += slot.Length;
            _slots[kept++] = slot;
        }
        Count = kept;
        _used = used;
    }

    /// <summary>Decides what becomes of a held record.</summary>
    internal interface IReleaser
    {
        /// <summary>True when the record was dealt with; false keeps it (with the slot's changes).</summary>
        bool TryRelease(ref Slot slot, ReadOnlySpan<byte> record);
    }
}
