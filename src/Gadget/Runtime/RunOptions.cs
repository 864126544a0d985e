using Gadget.Containers;
using Gadget.Gadgets;

namespace Gadget.Runtime;

/// <summary>How to run a gadget: its parameters and the transport and filtering settings.</summary>
public sealed class RunOptions
{
    public const uint DefaultRingBufferBytes = 8 * 1024 * 1024;

    public ParameterValues Parameters { get; init; } = ParameterValues.Empty;

    /// <summary>Size of the BPF ring buffer: a power of two, at least one page.</summary>
    public uint RingBufferBytes { get; init; } = DefaultRingBufferBytes;

    /// <summary>Longest wait before queued events reach the sink at low rates.</summary>
    public TimeSpan BatchLatency { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Attributes events to containers; null leaves them unattributed.</summary>
    public IContainerResolver? Containers { get; init; }

    /// <summary>When set, only these mount namespaces produce events (filtered in the kernel).</summary>
    public IMountNamespaceFilter? MountNamespaceFilter { get; init; }

    /// <summary>Called after the programs are attached and before the sink starts: what must be
    /// complete before the run counts as started (e.g. the first listing of containers).</summary>
    public Action? BeforeStart { get; init; }

    /// <summary>Called once the programs are attached and events can arrive.</summary>
    public Action? Attached { get; init; }

    /// <summary>Polled between batches: true ends the run (e.g. the reader of stdout is gone).</summary>
    public Func<bool>? OutputClosed { get; init; }

    /// <summary>Details for --verbose (libbpf's log, timings); null for none.</summary>
    public TextWriter? Verbose { get; init; }
}
