using System.Globalization;
using Gadget.Native;
using Gadget.Gadgets;
using Gadget.Gadgets.Trace.Open;
using Gadget.IntegrationTests.Infrastructure;
using Gadget.Runtime;

namespace Gadget.IntegrationTests.Runtime;

/// <summary>The ring buffer transport for real: bounded latency at low rates, few wakeups for a
/// burst, and a forced wakeup once the ring fills past a quarter.</summary>
public sealed class TransportTests : OwningTest
{
    private readonly string _dir;

    public TransportTests()
    {
        _dir = OwnTempDirectory();
    }

    [Fact]
    public void Single_events_reach_the_sink_within_100_ms_of_happening()
    {
        Requires.Root();
        var file = Path.Combine(_dir, "slow");
        File.WriteAllText(file, "x");
        const int Events = 10;
        using var run = TimedRun.Start(_dir, RunOptions.DefaultRingBufferBytes);

        for (var i = 0; i < Events; i++)
        {
            // Spaced well beyond the poll interval, and at varying phases of it.
            Thread.Sleep(120 + 17 * i);
            File.OpenHandle(file).Dispose();
        }
        var deliveries = run.WaitForEvents(Events);
        var summary = run.Stop();

        var latencies = deliveries.Select(d => (d.FlushedAt - d.HappenedAt) / 1e6).ToList();
        var shown = string.Join(", ", latencies.Select(l => l.ToString("F1", CultureInfo.InvariantCulture)));
        Assert.All(latencies, l => Assert.InRange(l, 0, 100));
        // Low rates never fill a quarter of the ring: the periodic poll, not a wakeup, collects them.
        Assert.True(summary.Wakeups == 0, $"{summary.Wakeups} wakeups for {Events} spaced events (latencies ms: {shown})");
    }

    [Fact]
    public void A_burst_is_delivered_in_far_fewer_batches_than_events()
    {
        Requires.Root();
        var file = Path.Combine(_dir, "burst");
        File.WriteAllText(file, "x");
        const int Events = 5000;
        using var run = TimedRun.Start(_dir, RunOptions.DefaultRingBufferBytes);

        Shell.Run(Helpers.Opener, "storm", Events.ToString(CultureInfo.InvariantCulture), file);
        run.WaitForEvents(Events);
        var summary = run.Stop();

        Assert.Equal(0UL, summary.Lost);
        Assert.True(run.Batches * 50 <= Events, $"{Events} events came in {run.Batches} batches");
        Assert.True(summary.Wakeups * 50 <= Events, $"{Events} events woke the reader {summary.Wakeups} times");
    }

    [Fact]
    public void A_ring_filling_past_a_quarter_wakes_the_reader()
    {
        Requires.Root();
        var file = Path.Combine(_dir, "fill");
        File.WriteAllText(file, "x");
        const int Events = 20_000;
        // A 64 KiB ring wakes the reader at 16 KiB unread: a burst crosses that many times over.
        using var run = TimedRun.Start(_dir, 64 * 1024);

        Shell.Run(Helpers.Opener, "storm", Events.ToString(CultureInfo.InvariantCulture), file);
        Thread.Sleep(300);
        var summary = run.Stop();

        Assert.True(summary.Wakeups > 0, $"no wakeup for {Events} events through a 64 KiB ring ({run.Delivered} delivered, {summary.Lost} lost)");
        Assert.Equal(Events, run.Delivered + (long)summary.Lost);
    }

    /// <summary>trace open limited (in the kernel) to one directory, into a sink that notes when
    /// each event happened and when its batch was flushed, both on the kernel's boot clock.</summary>
    private sealed class TimedRun : IGadgetSink, IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ManualResetEventSlim _attached = new();
        private readonly Thread _thread;
        private readonly Lock _gate = new();
        private readonly List<long> _pending = [];
        private readonly List<(long HappenedAt, long FlushedAt)> _flushed = [];
        private RunSummary? _summary;
        private Exception? _failure;

        private TimedRun(string directory, uint ringBytes)
        {
            var gadget = new OpenGadget();
            var options = new RunOptions
            {
                RingBufferBytes = ringBytes,
                Parameters = new ParameterValues(gadget.Parameters, [new("prefixes", directory + "/")]),
                Attached = _attached.Set,
            };
            _thread = new Thread(() =>
            {
                try
                {
                    _summary = GadgetSession.Run(gadget, options, this, _stop.Token);
                }
                catch (Exception e)
                {
                    _failure = e;
                    _attached.Set();
                }
            })
            { IsBackground = true, Name = "timed trace open" };
        }

        /// <summary>Batches that carried at least one event.</summary>
        public int Batches { get; private set; }

        public long Delivered
        {
            get
            {
                lock (_gate)
                    return _flushed.Count;
            }
        }

        public static TimedRun Start(string directory, uint ringBytes)
        {
            var run = new TimedRun(directory, ringBytes);
            run._thread.Start();
            if (!run._attached.Wait(TimeSpan.FromSeconds(30)))
                throw new TimeoutException("trace open did not attach within 30 s");
            if (run._failure is { } failure)
                throw new InvalidOperationException($"trace open failed to start: {failure.Message}", failure);
            return run;
        }

        public List<(long HappenedAt, long FlushedAt)> WaitForEvents(int count)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (DateTime.UtcNow < deadline && _failure is null)
            {
                lock (_gate)
                {
                    if (_flushed.Count >= count)
                        return [.. _flushed];
                }
                Thread.Sleep(10);
            }
            throw new TimeoutException($"{Delivered} of {count} events arrived; failure: {_failure?.Message ?? "none"}");
        }

        public RunSummary Stop()
        {
            _stop.Cancel();
            if (!_thread.Join(TimeSpan.FromSeconds(30)))
                throw new TimeoutException("trace open did not stop within 30 s");
            if (_failure is { } failure)
                throw new InvalidOperationException($"trace open failed: {failure.Message}", failure);
            return _summary!;
        }

        public void Start(SinkStart start) { }

        public void Frame(Frame frame) { }

        public void Event(in EventRecord record) => _pending.Add((long)record.Header.Timestamp);

        /// <summary>Where a real sink flushes its output: the moment the events become visible.</summary>
        public void EndBatch()
        {
            if (_pending.Count == 0)
                return;
            var now = BootClock.NowNanoseconds();
            lock (_gate)
            {
                foreach (var happenedAt in _pending)
                    _flushed.Add((happenedAt, now));
            }
            _pending.Clear();
            Batches++;
        }

        public void Lost(ulong count) { }

        public void End(RunSummary summary) { }

        public void Dispose()
        {
            _stop.Cancel();
            _thread.Join(TimeSpan.FromSeconds(30));
            _stop.Dispose();
        }
    }
}
