using Gadget.Containers;
using Gadget.Gadgets;
using Gadget.Gadgets.Trace.Exec;
using Gadget.IntegrationTests.Infrastructure;
using Gadget.Runtime;

namespace Gadget.IntegrationTests.Containers;

/// <summary>An ig whose loops hang (the runc watcher's reader stops reading, the gadget's sink
/// blocks on its first event) slows no container start.</summary>
public sealed class HungIgTests
{
    [Fact]
    public void Hung_event_loops_do_not_slow_container_starts()
    {
        Requires.Root();
        var bound = ContainerStarts.MeasureBound();
        using var running = DockerContainer.Run();
        using var scope = ContainerScope.Start(new ContainerSelector(), new DiscoveryOptions { HangRuncWatchForTests = true }, TextWriter.Null, null);
        scope.WaitReady();
        Assert.NotNull(scope.Hold);
        using var sink = new BlockingSink();
        using var stop = new CancellationTokenSource();
        using var attached = new ManualResetEventSlim();
        Exception? failure = null;
        var loop = new Thread(() =>
        {
            try
            {
                var gadget = new ExecGadget();
                GadgetSession.Run(gadget, new RunOptions { Parameters = RunningGadget.Parameters(gadget), Scope = scope, Attached = attached.Set }, sink, stop.Token);
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        loop.Start();
        try
        {
            Assert.True(attached.Wait(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), $"trace exec did not attach: {failure}");
            // An exec in a container known already reaches the sink, which then blocks the loop.
            running.Exec("/bin/true");
            Assert.True(sink.Blocked.Wait(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken), "the sink never got an event");

            ContainerStarts.AssertWithin(bound, "with ig's event loops hung");
            Assert.True(loop.IsAlive && sink.Blocked.IsSet, "the loop was not hung during the starts");
        }
        finally
        {
            stop.Cancel();
            sink.Release();
            loop.Join(TimeSpan.FromSeconds(30));
        }
        Assert.Null(failure);
    }

    /// <summary>Blocks the stream loop on its first event until released.</summary>
    private sealed class BlockingSink : IGadgetSink, IDisposable
    {
        private readonly ManualResetEventSlim _release = new();

        public ManualResetEventSlim Blocked { get; } = new();

        public void Release() => _release.Set();

        public void Start(SinkStart start)
        {
        }

        public void Event(in EventRecord record)
        {
            Blocked.Set();
            _release.Wait();
        }

        public void EndBatch()
        {
        }

        public void Frame(Frame frame)
        {
        }

        public void Lost(ulong count)
        {
        }

        public void End(RunSummary summary)
        {
        }

        public void Dispose()
        {
            _release.Dispose();
            Blocked.Dispose();
        }
    }
}
