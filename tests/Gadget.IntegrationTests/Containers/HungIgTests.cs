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

    [Fact]
    public void With_the_watcher_hung_a_new_container_does_not_pass_for_the_host()
    {
        Requires.Root();
        // --host with a selection: everything but the containers not selected. The watcher
        // never reads its reports, so ig never learns of the new container; its events must
        // still not be shown as the host's.
        using var scope = ContainerScope.Start(new ContainerSelector { IncludeHost = true, ContainerName = "igt-none" },
            new DiscoveryOptions { HangRuncWatchForTests = true }, TextWriter.Null, null);
        scope.WaitReady();
        var gadget = new ExecGadget();
        using var session = RunningGadget.Start(gadget, new RunOptions { Parameters = RunningGadget.Parameters(gadget), Scope = scope });
        var marker = Paths.UniqueName("m");

        using (DockerContainer.Run(command: ["/bin/echo", marker, "container"]))
        {
            Shell.Run("/bin/echo", marker, "host");
            session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker, "host"]), "for the host's exec", TimeSpan.FromSeconds(30));
        }
        session.Stop();

        Assert.DoesNotContain(session.Records, e => e.Strings("args").SequenceEqual(["/bin/echo", marker, "container"]));
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
