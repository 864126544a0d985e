using Gadget.Gadgets;

namespace Gadget.Runtime;

/// <summary>A sink whose real target is made just before the run starts (when what it needs,
/// such as the columns, is only known then).</summary>
public sealed class DeferredSink(Func<IEventSink> target) : IEventSink
{
    private IEventSink? _target;

    private IEventSink Target => _target ??= target();

    public void Start() => Target.Start();

    public void Event(in EventRecord record) => Target.Event(record);

    public void EndBatch() => Target.EndBatch();

    public void Lost(ulong count) => Target.Lost(count);

    public void End(RunSummary summary) => Target.End(summary);
}
