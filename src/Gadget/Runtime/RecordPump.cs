using Gadget.Native;
using Gadget.Gadgets;

namespace Gadget.Runtime;

/// <summary>Turns ring buffer records into events for the sink: validates the size,
/// attributes the container, applies the gadget's user-space filter. No allocation per record.</summary>
internal sealed class RecordPump : IRingBufferConsumer
{
    private readonly int _minimumSize;
    private readonly IEventSink _sink;
    private readonly Containers.IContainerResolver? _containers;
    private readonly IEventFilter? _filter;
    private readonly long _unixOffsetNs = BootClock.UnixOffsetNanoseconds();

    public RecordPump(TraceGadget gadget, RunOptions options, IEventSink sink)
    {
        _minimumSize = gadget.MinimumRecordSize;
        _sink = sink;
        _containers = options.Containers;
        _filter = gadget.CreateFilter(options.Parameters);
    }

    public ulong Delivered { get; private set; }

    public ulong Malformed { get; private set; }

    public void OnRecord(ReadOnlySpan<byte> data)
    {
        if (data.Length < _minimumSize)
        {
            Malformed++;
            return;
        }
        var mntns = System.Runtime.InteropServices.MemoryMarshal.Read<ulong>(data[8..]);
        var record = new EventRecord(data, _containers?.Resolve(mntns), _unixOffsetNs);
        if (_filter is not null && !_filter.Accept(record))
            return;
        Delivered++;
        _sink.Event(record);
    }
}
