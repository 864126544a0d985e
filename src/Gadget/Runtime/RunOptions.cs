using Gadget.Containers;
using Gadget.Gadgets;

namespace Gadget.Runtime;

/// <summary>How to run a gadget: its parameters, which containers, and the transport settings.
/// Give a <see cref="Selector"/> to have the session discover containers and filter on them as
/// `ig` does; or give <see cref="Containers"/> and <see cref="MountNamespaceFilter"/> yourself.</summary>
public sealed class RunOptions
{
    public const uint DefaultRingBufferBytes = 8 * 1024 * 1024;

    public ParameterValues Parameters { get; init; } = ParameterValues.Empty;

    /// <summary>The user's container selection: the session discovers containers, filters on
    /// them in the kernel and shows where each event came from. Null: no discovery.</summary>
    public ContainerSelector? Selector { get; init; }

    /// <summary>Containers already being discovered and followed by the caller, with their
    /// selection: used instead of a <see cref="Selector"/>, and left running at the end.</summary>
    public ContainerScope? Scope { get; init; }

    /// <summary>Where the runtimes are, for discovery (with <see cref="Selector"/>).</summary>
    public DiscoveryOptions Discovery { get; init; } = new();

    /// <summary>Size of the BPF ring buffer of a stream gadget: a power of two, at least one page.</summary>
    public uint RingBufferBytes { get; init; } = DefaultRingBufferBytes;

    /// <summary>Longest wait before queued events reach the sink at low rates.</summary>
    public TimeSpan BatchLatency { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long to run. For an interval gadget this is a number of whole intervals
    /// (the last frame is not cut off by a race with the clock); the others stop when it passes.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Attributes events to containers without a <see cref="Selector"/>; null leaves them unattributed.</summary>
    public IContainerResolver? Containers { get; init; }

    /// <summary>Without a <see cref="Selector"/>: only these mount namespaces produce events (filtered in the kernel).</summary>
    public IMountNamespaceFilter? MountNamespaceFilter { get; init; }

    /// <summary>Called once the programs are attached and the sink started: events can arrive.</summary>
    public Action? Attached { get; init; }

    /// <summary>Polled between batches: true ends the run (e.g. the reader of stdout is gone).</summary>
    public Func<bool>? OutputClosed { get; init; }

    /// <summary>Warnings of discovery and of the gadget (stderr in the CLI).</summary>
    public TextWriter Warnings { get; init; } = TextWriter.Null;

    /// <summary>Details for --verbose (libbpf's log, timings); null for none.</summary>
    public TextWriter? Verbose { get; init; }
}
