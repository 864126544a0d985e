using Prometheus;

namespace Gadget.Agent.Server;

/// <summary>The agent's Prometheus metrics (prometheus-net, its own registry: no default
/// collectors, so nothing runs between scrapes): runs active, events and lost events per
/// gadget, containers known, and the process's resident memory.</summary>
internal sealed class AgentMetrics
{
    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly Gauge _runsActive;
    private readonly Counter _events;
    private readonly Counter _lost;

    public AgentMetrics(Func<int> containersKnown)
    {
        var factory = Metrics.WithCustomRegistry(_registry);
        _runsActive = factory.CreateGauge("ig_agent_runs_active", "Gadget runs in progress on this node");
        _events = factory.CreateCounter("ig_agent_events_total", "Events (or frame rows) sent to clients, per gadget", ["gadget"]);
        _lost = factory.CreateCounter("ig_agent_lost_events_total", "Events the kernel could not queue, per gadget", ["gadget"]);
        var containers = factory.CreateGauge("ig_agent_containers", "Containers the agent knows on this node");
        var rss = factory.CreateGauge("process_resident_memory_bytes", "Resident memory size of the agent in bytes");
        // Read at each scrape: nothing to keep current between them.
        _registry.AddBeforeCollectCallback(() =>
        {
            containers.Set(containersKnown());
            rss.Set(Environment.WorkingSet);
        });
    }

    /// <summary>The counters of one gadget, found once per run rather than per event.</summary>
    public sealed record GadgetSeries(Counter.Child Events, Counter.Child Lost);

    public GadgetSeries For(string gadget) => new(_events.WithLabels(gadget), _lost.WithLabels(gadget));

    /// <summary>Counts a run as active until the returned handle is disposed.</summary>
    public IDisposable TrackRun()
    {
        _runsActive.Inc();
        return new RunHandle(_runsActive);
    }

    /// <summary>Writes every series in the text exposition format.</summary>
    public Task WriteAsync(Stream output, CancellationToken cancellation) => _registry.CollectAndExportAsTextAsync(output, cancellation);

    private sealed class RunHandle(Gauge gauge) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                gauge.Dec();
        }
    }
}
