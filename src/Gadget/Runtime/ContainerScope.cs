using Gadget.Containers;
using Gadget.Gadgets;

namespace Gadget.Runtime;

/// <summary>Which events a run keeps, given the user's container selection: the kernel
/// filter (mount namespaces of the selected containers, or of the others with --host,
/// followed live), and the columns that say where an event came from.</summary>
public sealed class ContainerScope : IDisposable
{
    private readonly ContainerDiscovery _discovery;

    private readonly bool _ownsDiscovery = true;

    private ContainerScope(ContainerDiscovery discovery, ContainerSelector selector)
    {
        _discovery = discovery;
        Selector = selector;
    }

    public ContainerSelector Selector { get; }

    public ContainerCollection Containers => _discovery.Collection;

    /// <summary>New containers' namespaces whose events stream gadgets hold (null without one).</summary>
    public NamespaceHold? Hold => _discovery.Hold;

    /// <summary>Starts finding the containers and following them; <see cref="WaitReady"/> waits
    /// for the first complete picture (a gadget loads its programs meanwhile).</summary>
    public static ContainerScope Start(ContainerSelector selector, DiscoveryOptions discovery, TextWriter warnings, TextWriter? verbose)
    {
        // With --host, containers of the runtimes left out must still be known, to be left out
        // rather than pass for host processes.
        var runtimes = selector.IncludeHost ? null : selector.Runtimes;
        var scope = new ContainerScope(ContainerDiscovery.Start(discovery with { Runtimes = runtimes }, warnings, verbose), selector);
        scope._warnings = warnings;
        return scope;
    }

    /// <summary>A selection over containers that the caller discovers and keeps following (the
    /// node agent's one discovery, shared by all its runs): disposing the scope leaves the
    /// discovery running. Every runtime should be discovered; -r narrows through the selector.</summary>
    public static ContainerScope Over(ContainerDiscovery discovery, ContainerSelector selector, TextWriter warnings) =>
        new(discovery, selector, ownsDiscovery: false) { _warnings = warnings };

    private ContainerScope(ContainerDiscovery discovery, ContainerSelector selector, bool ownsDiscovery)
        : this(discovery, selector) => _ownsDiscovery = ownsDiscovery;

    private TextWriter _warnings = TextWriter.Null;
    private bool _ready;

    /// <summary>Waits until every runtime was listed once, then says if the selection matches nothing yet.</summary>
    public void WaitReady()
    {
        if (_ready)
            return;
        _discovery.Ready.GetAwaiter().GetResult();
        _ready = true;
        if (!Selector.SelectsAllContainers && !Containers.Snapshot().Any(Selector.Matches))
            _warnings.WriteLine($"ig: no container matches {Selector.Describe()} yet; waiting for one to start");
    }

    /// <summary>The kernel filter: the selected containers only; with --host, everything but
    /// the containers not selected (host processes are in no list: any mount namespace that
    /// is no container's is the host's); with --host alone, none at all (null).</summary>
    public IMountNamespaceFilter? KernelFilter =>
        !Selector.IncludeHost ? new ContainerMountNamespaceFilter(Containers, Selector)
        : Selector.SelectsAllContainers ? null
        : new ContainerMountNamespaceFilter(Containers, Selector, excludes: true);

    /// <summary>CONTAINER, or NAMESPACE POD CONTAINER when the selection involves pods.</summary>
    public IReadOnlyList<string> PlacementColumns
    {
        get
        {
            WaitReady();
            var pods = Selector.PodName is not null || Selector.Namespace is not null || Selector.Labels.Count > 0 ||
                Containers.Snapshot().Where(Selector.Matches).Any(c => c.IsPod);
            return CommonFields.PlacementColumns(pods);
        }
    }

    public void Dispose()
    {
        if (_ownsDiscovery)
            _discovery.Dispose();
    }
}
