using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Gadget.Containers;

namespace Gadget.Gadgets;

/// <summary>One event as it sits in the ring buffer, with the container it was attributed to.
/// Fields read from it in place; nothing is copied or allocated per event.</summary>
public readonly ref struct EventRecord
{
    private readonly long _unixOffsetNs;

    public EventRecord(ReadOnlySpan<byte> data, ContainerInfo? container, long unixOffsetNs)
    {
        Data = data;
        Container = container;
        _unixOffsetNs = unixOffsetNs;
    }

    /// <summary>The raw record: a gadget event struct, then its variable-size data.</summary>
    public ReadOnlySpan<byte> Data { get; }

    public ContainerInfo? Container { get; }

    public ref readonly EventHeader Header => ref MemoryMarshal.AsRef<EventHeader>(Data);

    /// <summary>The record as the gadget's event struct.</summary>
    public ref readonly T As<T>() where T : unmanaged => ref MemoryMarshal.AsRef<T>(Data);

    /// <summary>The bytes after the event struct <typeparamref name="T"/>.</summary>
    public ReadOnlySpan<byte> Tail<T>() where T : unmanaged => Data[Unsafe.SizeOf<T>()..];

    /// <summary>When the event happened, in nanoseconds since the Unix epoch.</summary>
    public long TimestampUnixNs => (long)Header.Timestamp + _unixOffsetNs;
}
