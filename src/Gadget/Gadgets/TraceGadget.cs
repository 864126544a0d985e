using Gadget.Native;

namespace Gadget.Gadgets;

/// <summary>A gadget that streams one event per kernel occurrence through the ring buffer:
/// what it is (name, help, parameters, fields) and how it loads and attaches its program.
/// Instances are stateless; per-run state lives in what <see cref="CreateFilter"/> returns.</summary>
public abstract class TraceGadget
{
    /// <summary>The command group, e.g. "trace".</summary>
    public abstract string Category { get; }

    /// <summary>The command, e.g. "exec".</summary>
    public abstract string Name { get; }

    public virtual IReadOnlyList<string> Aliases => [];

    /// <summary>One line of help, as the reference words it.</summary>
    public abstract string Description { get; }

    public virtual IReadOnlyList<GadgetParameter> Parameters => [];

    /// <summary>The gadget's own fields; <see cref="Schema"/> adds the common ones.</summary>
    protected abstract IReadOnlyList<EventField> Fields { get; }

    /// <summary>The embedded BPF object (the name of its .bpf.c with .o).</summary>
    protected abstract string BpfObjectName { get; }

    /// <summary>The size of the fixed part of a record; shorter records are rejected as corrupt.</summary>
    public abstract int MinimumRecordSize { get; }

    public EventSchema Schema => _schema ??= new EventSchema(CommonFields.All.Concat(Fields));

    private EventSchema? _schema;

    /// <summary>The columns shown without -o columns=..., before any container columns.</summary>
    public abstract IReadOnlyList<string> DefaultColumns(ParameterValues parameters);

    /// <summary>Opens the gadget's BPF object (not loaded yet).</summary>
    public BpfObject OpenObject()
    {
        using var stream = typeof(TraceGadget).Assembly.GetManifestResourceStream("bpf/" + BpfObjectName)
            ?? throw new InvalidOperationException($"BPF object {BpfObjectName} is not embedded");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return BpfObject.Open(bytes, "ig_" + Name);
    }

    /// <summary>Rejects parameter values that make no sense together or for this gadget, with a
    /// <see cref="GadgetException"/>. Called before anything starts (container discovery, load),
    /// so bad input is one error line with nothing before it.</summary>
    public virtual void Validate(ParameterValues parameters) { }

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
}

/// <summary>Keeps or drops events after they left the kernel (for what the kernel cannot decide).</summary>
public interface IEventFilter
{
    bool Accept(in EventRecord record);
}
