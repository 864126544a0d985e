using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Gadget.Containers;

namespace Gadget.Gadgets;

/// <summary>One event as it sits in the ring buffer, or one row of a frame, with the container
/// it was attributed to. Fields read from it in place; nothing is copied or allocated per event.</summary>
public readonly ref struct EventRecord
{
    private readonly long _unixOffsetNs;
    private readonly GadgetRow? _row;

    public EventRecord(ReadOnlySpan<byte> data, ContainerInfo? container, long unixOffsetNs)
    {
        Data = data;
        Container = container;
        _unixOffsetNs = unixOffsetNs;
    }

    public EventRecord(GadgetRow row, ContainerInfo? container, long unixOffsetNs)
    {
        _row = row;
        Container = container;
        _unixOffsetNs = unixOffsetNs;
    }

    /// <summary>The raw record: a gadget event struct, then its variable-size data (empty for a row).</summary>
    public ReadOnlySpan<byte> Data { get; }

    public ContainerInfo? Container { get; }

    /// <summary>The user name of the header's uid, resolved on the node when the record was
    /// taken from the ring buffer (for gadgets that show one; see StreamRun.NamesUsers), so
    /// that whoever formats the record, here or remotely, reads a value and no file.</summary>
    public ReadOnlySpan<byte> UserName { get; init; }

    /// <summary>The record's header, from the ring buffer's bytes or the row.</summary>
    public ref readonly EventHeader Header => ref _row is not null ? ref _row.Header : ref MemoryMarshal.AsRef<EventHeader>(Data);

    /// <summary>The frame row this record is, as the gadget's row type.</summary>
    public T Row<T>() where T : GadgetRow => (T)_row!;

    /// <summary>The record as the gadget's event struct.</summary>
    public ref readonly T As<T>() where T : unmanaged => ref MemoryMarshal.AsRef<T>(Data);

    /// <summary>The bytes after the event struct <typeparamref name="T"/>.</summary>
    public ReadOnlySpan<byte> Tail<T>() where T : unmanaged => Data[Unsafe.SizeOf<T>()..];

    /// <summary>When the event happened, in nanoseconds since the Unix epoch.</summary>
    public long TimestampUnixNs => (long)Header.Timestamp + _unixOffsetNs;
}
