using Gadget.Agent.Protocol;
using Gadget.Gadgets;

namespace Gadget.Agent.Wire;

/// <summary>Encodes records (events and frame rows) as agent.proto lays them out: the container's
/// number, the Unix timestamp, the mount namespace, then each carried field's recorded value.
/// Nothing is allocated per record.</summary>
internal sealed class RecordEncoder
{
    private readonly EventField[] _carried;
    private readonly FieldRecorder _recorder;

    public RecordEncoder(EventSchema schema, IReadOnlyList<int> carried, OutputView view, ContainerRefs containers)
    {
        _carried = carried.Select(i => schema.Fields[i]).ToArray();
        _recorder = FieldRecorder.For(view);
        Containers = containers;
    }

    public ContainerRefs Containers { get; }

    public void Encode(in EventRecord record, RecordBuffer buffer)
    {
        buffer.Varint(Containers.RefOf(record.Container));
        buffer.ZigZag(record.TimestampUnixNs);
        buffer.Varint(record.Header.MntnsId);
        foreach (var field in _carried)
            _recorder.Record(field, record, buffer);
    }
}
