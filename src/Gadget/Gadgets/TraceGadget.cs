using Gadget.Native;

namespace Gadget.Gadgets;

/// <summary>A stream gadget that sends one event per kernel occurrence through the ring
/// buffer. Subclasses say how to configure, fill and attach their program for given
/// parameters; a run (<see cref="TraceRun"/>) holds the parsed parameters and the user-space
/// filter of that run.</summary>
public abstract class TraceGadget : GadgetDefinition
{
    public sealed override GadgetKind Kind => GadgetKind.Stream;

    /// <summary>The embedded BPF object (the name of its .bpf.c with .o).</summary>
    protected internal abstract string BpfObjectName { get; }

    /// <summary>The size of the fixed part of a record; shorter records are rejected as corrupt.</summary>
    public abstract int MinimumRecordSize { get; }

    /// <summary>True when a field shows <see cref="EventRecord.UserName"/> (see <see cref="StreamRun.NamesUsers"/>).</summary>
    public virtual bool NamesUsers => false;

    /// <summary>Opens the gadget's BPF object (not loaded yet).</summary>
    public BpfObject OpenObject() => EmbeddedBpf.Open(BpfObjectName);

    /// <summary>Sets constants and map sizes before load, from the parameters.</summary>
    public virtual void Configure(BpfObject bpf, ParameterValues parameters) { }

    /// <summary>Fills maps after load (e.g. filter values that do not fit in constants).</summary>
    public virtual void Populate(BpfObject bpf, ParameterValues parameters) { }

    /// <summary>Attaches the loaded programs. By default every loaded program, where its section says.</summary>
    public virtual IEnumerable<BpfLink> Attach(BpfObject bpf, ParameterValues parameters)
    {
        foreach (var program in bpf.Programs)
        {
            if (program.Autoload)
                yield return program.Attach();
        }
    }

    /// <summary>A user-space filter for this run (e.g. --unique), or null to keep every event.</summary>
    public virtual IEventFilter? CreateFilter(ParameterValues parameters) => null;

    public sealed override GadgetRun CreateRun(ParameterValues parameters) => new TraceRun(this, parameters);
}

/// <summary>Keeps or drops events after they left the kernel (for what the kernel cannot decide).</summary>
public interface IEventFilter
{
    bool Accept(in EventRecord record);
}

/// <summary>One run of a <see cref="TraceGadget"/>: its parameters and user-space filter.</summary>
public sealed class TraceRun : StreamRun
{
    private readonly TraceGadget _gadget;
    private readonly ParameterValues _parameters;
    private readonly IEventFilter? _filter;

    public TraceRun(TraceGadget gadget, ParameterValues parameters)
    {
        _gadget = gadget;
        _parameters = parameters;
        _filter = gadget.CreateFilter(parameters);
    }

    public override string BpfObjectName => _gadget.BpfObjectName;

    public override int MinimumRecordSize => _gadget.MinimumRecordSize;

    public override bool NamesUsers => _gadget.NamesUsers;

    public override void Configure(BpfObject bpf) => _gadget.Configure(bpf, _parameters);

    public override void Populate(BpfObject bpf) => _gadget.Populate(bpf, _parameters);

    public override IEnumerable<BpfLink> Attach(BpfObject bpf, RunContext context) => _gadget.Attach(bpf, _parameters);

    public override bool Accept(in EventRecord record) => _filter is null || _filter.Accept(record);
}
