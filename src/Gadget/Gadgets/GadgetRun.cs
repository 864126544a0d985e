using Gadget.Native;

namespace Gadget.Gadgets;

/// <summary>One run of a gadget: the parameters parsed once, and what the run holds besides
/// the BPF object and its links, which the session owns. The session calls, in order:
/// <see cref="Configure"/>, load, <see cref="Populate"/>, <see cref="Attach"/>, then the kind's
/// own calls (records for a stream, <see cref="FrameRun.Collect"/> for the others), then
/// <see cref="Dispose"/>.</summary>
public abstract class GadgetRun : IDisposable
{
    /// <summary>The embedded BPF object (the name of its .bpf.c with .o), or null for a run
    /// that needs none.</summary>
    public abstract string? BpfObjectName { get; }

    /// <summary>Sets constants and map sizes, and chooses the programs to load.</summary>
    public virtual void Configure(BpfObject bpf) { }

    /// <summary>Fills maps after load (e.g. filter values that do not fit in constants).</summary>
    public virtual void Populate(BpfObject bpf) { }

    /// <summary>Attaches the loaded programs. By default every loaded program, where its section says.</summary>
    public virtual IEnumerable<BpfLink> Attach(BpfObject bpf, RunContext context)
    {
        foreach (var program in bpf.Programs)
        {
            if (program.Autoload && !program.IsIterator)
                yield return program.Attach();
        }
    }

    public virtual void Dispose() => GC.SuppressFinalize(this);
}

/// <summary>A run of a stream gadget: records come from the ring buffer named "events".</summary>
public abstract class StreamRun : GadgetRun
{
    /// <summary>The size of the fixed part of a record; shorter records are counted as malformed.</summary>
    public abstract int MinimumRecordSize { get; }

    /// <summary>Keeps or drops an event after it left the kernel (what the kernel cannot decide).</summary>
    public virtual bool Accept(in EventRecord record) => true;

    /// <summary>True when the gadget shows user names: each record then gets the name of its
    /// uid (<see cref="EventRecord.UserName"/>) from a cache filled off the event path.</summary>
    public virtual bool NamesUsers => false;
}

/// <summary>A run of a gadget that answers with frames: tables per interval, a snapshot, a report.</summary>
public abstract class FrameRun : GadgetRun
{
    /// <summary>Reads what the kernel gathered into <paramref name="frame"/>, one row per
    /// entry. Interval gadgets also reset what they read, so each frame covers one interval.</summary>
    public abstract void Collect(RunContext context, Frame frame);
}
