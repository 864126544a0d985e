using Gadget.Containers.Runtimes;
using Gadget.Containers.Runtimes.Docker;
using Gadget.Containers.Runtimes.Runc;

namespace Gadget.Containers;

/// <summary>Fills a <see cref="ContainerCollection"/> and keeps it current: the runc watcher
/// first (so nothing starting meanwhile is missed), then a listing of every runtime, a /proc
/// scan for the rest, the runtimes' event streams, and a periodic sweep that removes
/// containers whose process is gone. A runtime that cannot be reached is skipped with one
/// warning; the others still work.</summary>
public sealed class ContainerDiscovery : IDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan WatchRetry = TimeSpan.FromSeconds(2);

    private readonly List<IContainerRuntime> _runtimes = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private readonly TextWriter _warnings;
    private readonly TextWriter? _verbose;
    private readonly ProcScanner _scanner = new();
    private readonly RuntimeOutages _outages;
    private TimeSpan _listTimeout = TimeSpan.FromSeconds(5);
    private int _sweeping;
    private RuncWatcher? _runc;
    private Timer? _sweep;

    private ContainerDiscovery(TextWriter warnings, TextWriter? verbose)
    {
        _warnings = warnings;
        _verbose = verbose;
        _outages = new RuntimeOutages(warnings);
    }

    public ContainerCollection Collection { get; } = new();

    /// <summary>The mount namespaces root's runc is making containers in, whose events stream
    /// gadgets hold until the container is known; null without a runc watcher.</summary>
    public NamespaceHold? Hold => _runc?.Hold;

    /// <summary>Completes when every runtime has been listed once (the collection is then
    /// complete) and live updates flow.</summary>
    public Task Ready { get; private set; } = Task.CompletedTask;

    /// <summary>Starts discovery in the background (the runc watcher at once); see <see cref="Ready"/>.</summary>
    public static ContainerDiscovery Start(DiscoveryOptions options, TextWriter warnings, TextWriter? verbose = null)
    {
        return Start(options, RuntimeFactory.Create(options, warnings), warnings, verbose);
    }

    /// <summary>Starts discovery over the given runtime clients (tests pass fakes).</summary>
    internal static ContainerDiscovery Start(DiscoveryOptions options, IEnumerable<IContainerRuntime> runtimes, TextWriter warnings, TextWriter? verbose)
    {
        var discovery = new ContainerDiscovery(warnings, verbose);
        discovery._runtimes.AddRange(runtimes);
        if (options.WatchRunc)
            discovery._runc = RuncWatcher.TryStart(discovery.Collection, discovery.EnrichEarlyAsync, verbose, options.HangRuncWatchForTests);
        discovery.Ready = Task.Run(() => discovery.Initialize(options));
        return discovery;
    }

    private void Initialize(DiscoveryOptions options)
    {
        _listTimeout = options.ListTimeout;
        // All runtimes are asked at once; each answer lands in the collection as it comes.
        var listings = _runtimes.Select(runtime => Task.Run(async () =>
        {
            try
            {
                var socket = runtime.Endpoint.Split(' ')[0];
                if (!File.Exists(socket))
                    throw new RuntimeUnavailableException("no socket there");
                using var timeout = new CancellationTokenSource(options.ListTimeout);
                foreach (var container in await runtime.ListAsync(timeout.Token).ConfigureAwait(false))
                    Collection.AddOrUpdate(container);
                return (Runtime: runtime, Failure: (Exception?)null);
            }
            catch (Exception e) when (e is RuntimeUnavailableException or OperationCanceledException or HttpRequestException or Grpc.Core.RpcException)
            {
                return (Runtime: runtime, Failure: e);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // An answer no check foresaw must cost that runtime, not ig.
                return (Runtime: runtime, Failure: new RuntimeUnavailableException($"unexpected answer ({e.GetType().Name}: {e.Message})", e));
            }
        })).ToArray();
        var results = Task.WhenAll(listings).GetAwaiter().GetResult();
        WarnAboutFailures(results);
        foreach (var container in _scanner.Scan(Collection))
            Collection.AddOrUpdate(container);

        foreach (var (runtime, _) in results.Where(r => r.Failure is null))
            _tasks.Add(Task.Run(() => WatchLoopAsync(runtime)));
        _sweep = new Timer(_ => Sweep(), null, SweepInterval, SweepInterval);
    }

    /// <summary>One warning per runtime when none of its APIs answered (containerd's two share
    /// a socket); when only some failed, one per failed API, naming it, since the runtime's
    /// other API still lists its containers.</summary>
    private void WarnAboutFailures(IEnumerable<(IContainerRuntime Runtime, Exception? Failure)> results)
    {
        foreach (var apis in results.GroupBy(r => r.Runtime.Name))
        {
            var failed = apis.Where(r => r.Failure is not null).ToList();
            if (failed.Count == 0)
                continue;
            var (first, error) = failed[0];
            if (failed.Count == apis.Count())
            {
                _warnings.WriteLine($"WARNING: {apis.Key}: cannot list containers at {first.Endpoint.Split(' ')[0]} ({Describe(error!)}); skipping it");
                continue;
            }
            var working = string.Join(", ", apis.Where(r => r.Failure is null).Select(r => r.Runtime.Api + " API"));
            foreach (var (runtime, failure) in failed)
                _warnings.WriteLine($"WARNING: {apis.Key}: cannot list containers through its {runtime.Api} API at {runtime.Endpoint.Split(' ')[0]} ({Describe(failure!)}); skipping that API (its {working} works)");
        }
    }

    private static string Describe(Exception e) => e switch
    {
        OperationCanceledException => "no answer in time",
        Grpc.Core.RpcException rpc => rpc.Status.DebugException?.InnerException?.Message ?? rpc.Status.DebugException?.Message ?? rpc.Status.Detail,
        RuntimeUnavailableException { InnerException: Grpc.Core.RpcException rpc } => Describe(rpc),
        RuntimeUnavailableException => e.Message,
        _ => e.InnerException?.Message ?? e.Message,
    };

    /// <summary>Follows one runtime API for the whole run. When its stream breaks (the runtime
    /// stopped or restarted), it says so once (<see cref="RuntimeOutages"/>), retries every
    /// <see cref="WatchRetry"/>, lists anew when the runtime answers again (so what started
    /// meanwhile is attributed), and says so once.</summary>
    private async Task WatchLoopAsync(IContainerRuntime runtime)
    {
        var down = false;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await runtime.WatchAsync(Collection, _stop.Token).ConfigureAwait(false);
                // A runtime's event stream ends only when the runtime goes (dockerd stopped).
                if (!_stop.IsCancellationRequested && !down)
                {
                    down = true;
                    _outages.Down(runtime, "its event stream ended");
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                // Stopping: gRPC reports the cancelled stream as an RpcException.
                return;
            }
            catch (Exception e)
            {
                _verbose?.WriteLine($"ig: {runtime.Name} events interrupted ({Describe(e)}); reconnecting");
                if (!down)
                {
                    down = true;
                    _outages.Down(runtime, Describe(e));
                }
            }
            try
            {
                await Task.Delay(WatchRetry, _stop.Token).ConfigureAwait(false);
                // Catch up on what happened while the stream was down.
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(_listTimeout);
                foreach (var container in await runtime.ListAsync(timeout.Token).ConfigureAwait(false))
                    Collection.AddOrUpdate(container);
                if (down)
                {
                    down = false;
                    _outages.Up(runtime);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _verbose?.WriteLine($"ig: {runtime.Name} still unreachable ({Describe(e)})");
                if (!down)
                {
                    down = true;
                    _outages.Down(runtime, Describe(e));
                }
            }
        }
    }

    private void Sweep()
    {
        // A slow /proc (thousands of processes on a loaded node) must not stack sweeps up.
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
            return;
        try
        {
            _runc?.Hold.Sweep();
            Collection.RemoveDead(ContainerProcess.IsAlive);
            foreach (var container in _scanner.Scan(Collection))
                Collection.AddOrUpdate(container);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _verbose?.WriteLine($"ig: container sweep failed: {e.Message}");
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    /// <summary>What the container's runtime already knows of a container runc is starting.</summary>
    private async Task<ContainerInfo> EnrichEarlyAsync(ContainerInfo container, CancellationToken cancellation)
    {
        foreach (var runtime in _runtimes)
        {
            if (runtime is IEarlyDescriber describer && describer.Handles(container))
                return await describer.DescribeEarlyAsync(container, cancellation).ConfigureAwait(false) ?? container;
        }
        return container;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _sweep?.Dispose();
        _runc?.Dispose();
        try
        {
            Task.WaitAll(_tasks.ToArray(), TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
            // Watchers end with cancellation errors; nothing to report.
        }
        foreach (var runtime in _runtimes)
            runtime.Dispose();
        _stop.Dispose();
    }
}
