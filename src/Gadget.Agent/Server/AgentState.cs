using Gadget.Containers;

namespace Gadget.Agent.Server;

/// <summary>What every call of the agent shares: one container discovery for the node (all
/// runs select from it; one runc watcher, one set of runtime clients), the metrics, and what
/// the agent says of itself.</summary>
internal sealed class AgentState : IDisposable
{
    public AgentState(ContainerDiscovery discovery, string version, CancellationToken stopping)
    {
        Stopping = stopping;
        Discovery = discovery;
        Version = version;
        Metrics = new AgentMetrics(() => discovery.Collection.Count);
    }

    public ContainerDiscovery Discovery { get; }

    public AgentMetrics Metrics { get; }

    public string Version { get; }

    /// <summary>The agent is shutting down: every run stops as if its client had asked.</summary>
    public CancellationToken Stopping { get; }

    public void Dispose() => Discovery.Dispose();
}
