using Gadget.Containers;
using Gadget.Native;

namespace Gadget.Gadgets;

/// <summary>What a run may use of its session: its BPF object, the containers, the selection.</summary>
public sealed class RunContext
{
    public RunContext(BpfObject? bpf, IContainerResolver? containers, Func<IReadOnlyList<ContainerInfo>> selected, Func<ulong, bool> wants)
    {
        Bpf = bpf;
        Containers = containers;
        _selected = selected;
        _wants = wants;
    }

    private readonly Func<IReadOnlyList<ContainerInfo>> _selected;
    private readonly Func<ulong, bool> _wants;

    /// <summary>The run's loaded BPF object, or null when it has none.</summary>
    public BpfObject? Bpf { get; }

    public IContainerResolver? Containers { get; }

    /// <summary>The containers the selection matches now (e.g. to visit each one's network namespace).</summary>
    public IReadOnlyList<ContainerInfo> SelectedContainers => _selected();

    /// <summary>Whether the selection keeps what happens in this mount namespace: the filter
    /// the kernel applies, for what user space gathers itself (e.g. from /proc).</summary>
    public bool Wants(ulong mntnsId) => _wants(mntnsId);

    /// <summary>How often an interval gadget collects.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Where to say what is worth knowing but no failure (on stderr in the CLI).</summary>
    public TextWriter Warnings { get; init; } = TextWriter.Null;

    /// <summary>Details for --verbose; null for none.</summary>
    public TextWriter? Verbose { get; init; }

    /// <summary>A context with no containers and no selection: everything is wanted.</summary>
    public static RunContext Unfiltered(BpfObject? bpf) => new(bpf, null, () => [], _ => true);
}
