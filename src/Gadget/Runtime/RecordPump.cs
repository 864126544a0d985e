using Gadget.Native;
using Gadget.Gadgets;
using Gadget.Gadgets.Common;

namespace Gadget.Runtime;

/// <summary>Turns ring buffer records into events for the sink: validates the size,
/// attributes the container, applies the gadget's user-space filter. No allocation per record.</summary>
internal sealed class RecordPump : IRingBufferConsumer, IDisposable
{
    private readonly int _minimumSize;
    private readonly IGadgetSink _sink;
    private readonly Containers.IContainerResolver? _containers;
    private readonly StreamRun _run;
    private readonly bool _namesUsers;
    private readonly long _unixOffsetNs = BootClock.UnixOffsetNanoseconds();

    public RecordPump(StreamRun run, Containers.IContainerResolver? containers, IGadgetSink sink)
    {
        _minimumSize = run.MinimumRecordSize;
        _sink = sink;
        _containers = containers;
        _run = run;
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

    public void OnRecord(ReadOnlySpan<byte> data)
    {
        if (data.Length < _minimumSize)
        {
            Malformed++;
            return;
        }
        var mntns = System.Runtime.InteropServices.MemoryMarshal.Read<ulong>(data[8..]);
        var container = _containers?.Resolve(mntns);
        var record = new EventRecord(data, container, _unixOffsetNs)
        {
            UserName = _namesUsers ? UserNames.Lookup(System.Runtime.InteropServices.MemoryMarshal.AsRef<EventHeader>(data).Uid, container) : default,
        };
        if (!_run.Accept(record))
            return;
        Delivered++;
        _sink.Event(record);
    }
}
