using Gadget.Gadgets;

namespace Gadget.Runtime;

/// <summary>Receives what a run produces, whatever the gadget's kind: told at start what is
/// coming (kind, schema, columns), then events in batches (stream gadgets) or whole frames
/// (an interval's table, a snapshot, a report), lost-event counts, and the end. The same
/// gadget renders to columns, JSON, a live table or a remote client through this interface.</summary>
public interface IGadgetSink
{
    /// <summary>The gadget is attached: what follows, and the columns to show by default.</summary>
    void Start(SinkStart start);

    /// <summary>One event of a stream gadget.</summary>
    void Event(in EventRecord record);

    /// <summary>The ring buffer is drained for now: a good moment to flush.</summary>
    void EndBatch();

    /// <summary>One whole result of a frame gadget, sorted and cut to --max-rows.</summary>
    void Frame(Frame frame);

    /// <summary>Events the kernel could not queue since the last report.</summary>
    void Lost(ulong count);

    void End(RunSummary summary);
}

/// <summary>What a sink is told at start: the gadget (its kind and schema), the parameters of
/// the run, and the default columns (container columns, then the gadget's).</summary>
public sealed record SinkStart(GadgetDefinition Gadget, ParameterValues Parameters, IReadOnlyList<string> DefaultColumns)
{
    public GadgetKind Kind => Gadget.Kind;

    public EventSchema Schema => Gadget.Schema;

    /// <summary>A start with the gadget's own default columns and no container columns (tests).</summary>
    public static SinkStart For(GadgetDefinition gadget, ParameterValues? parameters = null)
    {
        var values = parameters ?? new ParameterValues(gadget.Parameters);
        return new SinkStart(gadget, values, gadget.DefaultColumns(values));
    }
}

/// <summary>What a run did: events (or frame rows) delivered, events lost in the kernel, and
/// how long loading and attaching took.</summary>
public sealed record RunSummary(ulong Events, ulong Lost, TimeSpan AttachTime)
{
    /// <summary>Records too short for their event type (a layout mismatch; should stay 0).</summary>
    public ulong Malformed { get; init; }

    /// <summary>Times the kernel woke the reader before its poll timed out. Batched wakeups keep
    /// this far below the number of events; it counts up only when the ring fills past a quarter.</summary>
    public ulong Wakeups { get; init; }

    /// <summary>Frames delivered (intervals, snapshots, reports); 0 for a stream gadget.</summary>
    public ulong Frames { get; init; }

    /// <summary>The kind of the gadget that ran: a stream counts events, the others frames and their rows.</summary>
    public GadgetKind Kind { get; init; }
}
