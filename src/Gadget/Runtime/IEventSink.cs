using Gadget.Gadgets;

namespace Gadget.Runtime;

/// <summary>Receives what a run produces: events in batches, lost-event counts, the end.</summary>
public interface IEventSink
{
    /// <summary>The programs are attached; events follow.</summary>
    void Start();

    void Event(in EventRecord record);

    /// <summary>The ring buffer is drained for now: a good moment to flush.</summary>
    void EndBatch();

    /// <summary>Events the kernel could not queue since the last report.</summary>
    void Lost(ulong count);

    void End(RunSummary summary);
}

/// <summary>What a run did: events delivered, events lost in the kernel, and how long
/// loading and attaching took.</summary>
public sealed record RunSummary(ulong Events, ulong Lost, TimeSpan AttachTime)
{
    /// <summary>Records too short for their event type (a layout mismatch; should stay 0).</summary>
    public ulong Malformed { get; init; }

    /// <summary>Times the kernel woke the reader before its poll timed out. Batched wakeups keep
    /// this far below the number of events; it counts up only when the ring fills past a quarter.</summary>
    public ulong Wakeups { get; init; }
}
