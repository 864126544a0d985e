using Gadget.Native;
using Gadget.Gadgets;

namespace Gadget.Runtime;

/// <summary>Turns ring buffer records into events for the sink: validates the size,
/// attributes the container, applies the gadget's user-space filter. No allocation per record.</summary>
internal sealed class RecordPump : IRingBufferConsumer
{
    private readonly int _minimumSize;
    private readonly IGadgetSink _sink;
    private readonly Containers.IContainerResolver? _containers;
    private readonly StreamRun _run;
    private readonly long _unixOffsetNs = BootClock.UnixOffsetNanoseconds();

    public RecordPump(StreamRun run, Containers.IContainerResolver? containers, IGadgetSink sink)
    {
        _minimumSize = run.MinimumRecordSize;
        _sink = sink;
        _containers = containers;
        _run = run;
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
        if (!_run.Accept(record))
            return;
        Delivered++;
        _sink.Event(record);
    }
}
