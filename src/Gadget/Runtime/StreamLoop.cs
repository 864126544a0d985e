using System.Diagnostics;
using Gadget.Gadgets;
using Gadget.Native;
using Gadget.Output;

namespace Gadget.Runtime;

/// <summary>The life of a stream gadget once attached: pumps the ring buffer into the sink in
/// batches, reports lost events as they happen, and drains what is left at the end.</summary>
internal static class StreamLoop
{
    private static readonly TimeSpan LostCheckInterval = TimeSpan.FromSeconds(1);

    public static RunSummary Run(StreamRun run, LoadedRun loaded, RunOptions options, IGadgetSink sink, CancellationToken cancellation)
    {
        var bpf = loaded.Bpf ?? throw new InvalidOperationException("a stream gadget needs a BPF object with an events ring buffer");
        using var pump = new RecordPump(run, options.Containers ?? loaded.Context.Containers, sink, loaded.Hold, loaded.Filter);
        using var reader = new RingBuffer(bpf.Map("events"), pump);
        using var timeout = TimeoutSource(options, cancellation);
        var token = timeout.Token;
        ulong lostReported = 0;
        var lastLostCheck = Stopwatch.StartNew();
        var pollMs = (int)Math.Max(1, options.BatchLatency.TotalMilliseconds);
        ulong wakeups = 0;
        try
        {
            while (!token.IsCancellationRequested)
            {
                if (options.OutputClosed?.Invoke() == true)
                    throw new OutputClosedException();
                // Records handled by the poll itself mean the kernel woke us before the timeout.
                if (reader.Poll(pollMs) > 0)
                    wakeups++;
                reader.Consume();
                pump.ReleaseHeld();
                sink.EndBatch();
                if (lastLostCheck.Elapsed >= LostCheckInterval)
                {
                    lostReported = ReportLost(loaded, pump, lostReported, sink);
                    lastLostCheck.Restart();
                }
            }
            // Detach first so the final drain sees everything that was produced, and nothing after.
            loaded.Detach();
            reader.Consume();
            pump.ReleaseHeld(force: true);
            sink.EndBatch();
            lostReported = ReportLost(loaded, pump, lostReported, sink);
        }
        catch (OutputClosedException)
        {
            // The reader of our output went away (e.g. `| head`): a normal end, with nothing more to write.
            return new RunSummary(pump.Delivered, lostReported, TimeSpan.Zero) { Malformed = pump.Malformed, Wakeups = wakeups };
        }
        var summary = new RunSummary(pump.Delivered, lostReported, TimeSpan.Zero) { Malformed = pump.Malformed, Wakeups = wakeups };
        sink.End(summary);
        return summary;
    }

    /// <summary>The run's token, cancelled too when --timeout passes.</summary>
    internal static CancellationTokenSource TimeoutSource(RunOptions options, CancellationToken cancellation)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (options.Timeout is { } timeout && timeout > TimeSpan.Zero)
            source.CancelAfter(timeout);
        return source;
    }

    private static ulong ReportLost(LoadedRun loaded, RecordPump pump, ulong reported, IGadgetSink sink)
    {
        // Records of new containers that did not fit in the hold are lost as well.
        var total = loaded.LostInKernel() + pump.HoldOverflow;
        if (total > reported)
            sink.Lost(total - reported);
        return Math.Max(total, reported);
    }
}
