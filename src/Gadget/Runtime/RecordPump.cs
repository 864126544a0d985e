using System.Diagnostics;
using Gadget.Containers;
using Gadget.Native;
using Gadget.Gadgets;
using Gadget.Gadgets.Common;

namespace Gadget.Runtime;

/// <summary>Turns ring buffer records into events for the sink: validates the size,
/// attributes the container, applies the gadget's user-space filter. No allocation per record.
/// With a <see cref="NamespaceHold"/>, records of a namespace that root's runtime is making a
/// container in are set aside until the container is known, then attributed or dropped by the
/// run's selection (<see cref="ReleaseHeld"/>): the kernel kept them without knowing it.</summary>
internal sealed class RecordPump : IRingBufferConsumer, HeldRecords.IReleaser, IDisposable
{
    private static readonly long HoldBudgetTicks = (long)(NamespaceHold.Budget.TotalSeconds * Stopwatch.Frequency);

    private readonly int _minimumSize;
    private readonly IGadgetSink _sink;
    private readonly IContainerResolver? _containers;
    private readonly StreamRun _run;
    private readonly bool _namesUsers;
    private readonly long _unixOffsetNs = BootClock.UnixOffsetNanoseconds();
    private readonly NamespaceHold? _hold;
    private readonly IMountNamespaceFilter? _filter;
    private readonly HeldRecords _held = new();
    private long _heldVersion = -1;
    private ulong _heldMarks;
    private long _now;
    private bool _force;

    public RecordPump(StreamRun run, IContainerResolver? containers, IGadgetSink sink, NamespaceHold? hold = null, IMountNamespaceFilter? filter = null)
    {
        _minimumSize = run.MinimumRecordSize;
        _sink = sink;
        _containers = containers;
        _run = run;
        _hold = hold;
        _filter = filter;
        _namesUsers = run.NamesUsers;
        if (_namesUsers)
        {
            // Read before the first event asks: the host's file and those of the containers
            // running now (waited for, briefly), then each container's as it appears.
            var known = new List<Containers.ContainerInfo?> { null };
            if (containers is Containers.ContainerCollection collection)
            {
                _collection = collection;
                collection.Changed += OnContainerChanged;
                known.AddRange(collection.Snapshot());
            }
            UserNames.Prefetch(known, TimeSpan.FromSeconds(2));
        }
    }

    private readonly Containers.ContainerCollection? _collection;

    private static void OnContainerChanged(Containers.ContainerInfo container, bool added)
    {
        if (added)
            UserNames.Prefetch(container);
    }

    public void Dispose()
    {
        if (_collection is not null)
            _collection.Changed -= OnContainerChanged;
    }

    public ulong Delivered { get; private set; }

    public ulong Malformed { get; private set; }

    /// <summary>Records that could not be held (the hold's buffer was full): lost.</summary>
    public ulong HoldOverflow { get; private set; }

    /// <summary>Records held now.</summary>
    public int Held => _held.Count;

    public void OnRecord(ReadOnlySpan<byte> data)
    {
        if (data.Length < _minimumSize)
        {
            Malformed++;
            return;
        }
        var mntns = System.Runtime.InteropServices.MemoryMarshal.Read<ulong>(data[8..]);
        if (_hold is not null && _hold.IsActive)
        {
            OnRecordWhileHolding(data, mntns);
            return;
        }
        Deliver(data, _containers?.Resolve(mntns));
    }

    private void OnRecordWhileHolding(ReadOnlySpan<byte> data, ulong mntns)
    {
        switch (_hold!.StateOf(mntns))
        {
            case HoldState.Pending:
                Hold(data, mntns, 0);
                return;
            case HoldState.Settled:
                DeliverIfWanted(data, mntns);
                return;
        }
        var container = _containers?.Resolve(mntns);
        // Of no known container: maybe of a namespace the kernel listed a moment ago and that
        // the watcher has not taken in yet. Wait for it to have done so.
        if (container is null)
        {
            var marks = _hold.KernelMarks;
            if (marks != _hold.ProcessedMarks)
            {
                Hold(data, mntns, marks);
                return;
            }
        }
        Deliver(data, container);
    }

    private void Hold(ReadOnlySpan<byte> data, ulong mntns, ulong waitForMarks)
    {
        if (!_held.TryAdd(data, mntns, waitForMarks))
            HoldOverflow++;
    }

    /// <summary>For a record the kernel kept because its namespace was new: the selection
    /// decides. A namespace that root's runtime made is no host's, so if no container is known
    /// for it, only a run that wants everything (no filter) shows the record.</summary>
    private void DeliverIfWanted(ReadOnlySpan<byte> data, ulong mntns)
    {
        var container = _containers?.Resolve(mntns);
        if (_filter is null || (container is not null && _filter.Passes(mntns, container)))
            Deliver(data, container);
    }

    private void Deliver(ReadOnlySpan<byte> data, ContainerInfo? container)
    {
        var record = new EventRecord(data, container, _unixOffsetNs)
        {
            UserName = _namesUsers ? UserNames.Lookup(System.Runtime.InteropServices.MemoryMarshal.AsRef<EventHeader>(data).Uid, container) : default,
        };
        if (!_run.Accept(record))
            return;
        Delivered++;
        _sink.Event(record);
    }

    /// <summary>Delivers or drops the held records whose namespace is settled now, or whose
    /// budget is spent; with <paramref name="force"/> (the run ends), all of them. Cheap when
    /// nothing changed since the last call.</summary>
    public void ReleaseHeld(bool force = false)
    {
        if (_held.Count == 0 || _hold is null)
            return;
        var now = Stopwatch.GetTimestamp();
        var version = _hold.Version;
        var marks = _hold.ProcessedMarks;
        if (!force && version == _heldVersion && marks == _heldMarks && now - _held.OldestHeldAt < HoldBudgetTicks)
            return;
        _heldVersion = version;
        _heldMarks = marks;
        _now = now;
        _force = force;
        _held.Release(this);
    }

    bool HeldRecords.IReleaser.TryRelease(ref HeldRecords.Slot slot, ReadOnlySpan<byte> record)
    {
        var expired = _force || _now - slot.HeldAt >= HoldBudgetTicks;
        if (slot.WaitForMarks != 0)
        {
            var caughtUp = _hold!.ProcessedMarks >= slot.WaitForMarks;
            if (!caughtUp && !expired)
                return false;
            slot.WaitForMarks = 0;
            if (_hold.StateOf(slot.MntnsId) == HoldState.None)
            {
                // The watcher has taken in every namespace listed before this record and this
                // one is none of them; or the watcher is stuck, and the kernel tells.
                if (caughtUp || !_hold.IsListedInKernel(slot.MntnsId))
                    Deliver(record, _containers?.Resolve(slot.MntnsId));
                else
                    DeliverIfWanted(record, slot.MntnsId);
                return true;
            }
        }
        if (_hold!.StateOf(slot.MntnsId) == HoldState.Pending && !expired)
            return false;
        DeliverIfWanted(record, slot.MntnsId);
        return true;
    }
}
