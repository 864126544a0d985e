using System.Diagnostics;
using Gadget.Gadgets;
using Gadget.Native;
using Gadget.Output;

namespace Gadget.Runtime;

/// <summary>The life of a frame gadget once attached: a table every interval (top), one
/// snapshot at once (snapshot), or one report when the run is stopped (profile). Each frame is
/// collected by the run, sorted by --sort, cut to --max-rows, and given to the sink whole.</summary>
internal static class FrameLoop
{
    /// <summary>How often a profile that waits for its stop checks that its output is still read.</summary>
    private static readonly TimeSpan OutputCheck = TimeSpan.FromMilliseconds(200);

    public static RunSummary Run(GadgetDefinition gadget, FrameRun run, LoadedRun loaded, RunOptions options, IGadgetSink sink, CancellationToken cancellation)
    {
        var order = gadget is SortableGadget sortable ? sortable.SortOrder(options.Parameters) : SortOrder.None;
        var maxRows = gadget.Parameters.Any(p => p.Key == FrameParameters.MaxRows) ? (int)options.Parameters.GetUInt(FrameParameters.MaxRows) : 0;
        ulong frames = 0, rows = 0;

        bool Emit(int sequence)
        {
            var frame = new Frame(loaded.Context.Containers, BootClock.UnixOffsetNanoseconds()) { Sequence = sequence };
            run.Collect(loaded.Context, frame);
            frame.Sort(order);
            frame.Truncate(maxRows);
            try
            {
                sink.Frame(frame);
            }
            catch (OutputClosedException)
            {
                return false;
            }
            frames++;
            rows += (ulong)frame.Count;
            return true;
        }

        RunSummary Summary() => new(rows, loaded.LostInKernel(), TimeSpan.Zero) { Frames = frames };

        var outputOpen = true;
        switch (gadget.Kind)
        {
            case GadgetKind.OneShot:
                outputOpen = Emit(0);
                break;
            case GadgetKind.Interval:
                outputOpen = RunIntervals(loaded.Context.Interval, options, cancellation, Emit);
                break;
            default:
                using (var timeout = StreamLoop.TimeoutSource(options, cancellation))
                {
                    while (!timeout.Token.WaitHandle.WaitOne(OutputCheck))
                    {
                        if (options.OutputClosed?.Invoke() == true)
                        {
                            outputOpen = false;
                            break;
                        }
                    }
                }
                // What was gathered up to the stop, and nothing after it.
                loaded.Detach();
                if (outputOpen)
                    outputOpen = Emit(0);
                break;
        }
        var summary = Summary();
        if (outputOpen)
            sink.End(summary);
        return summary;
    }

    /// <summary>Collects on a fixed schedule (start + k × interval, so the intervals do not drift
    /// by the time each collection takes) until cancelled, or for the whole intervals that
    /// --timeout covers. False when the output was closed.</summary>
    private static bool RunIntervals(TimeSpan interval, RunOptions options, CancellationToken cancellation, Func<int, bool> emit)
    {
        var count = options.Timeout is { } timeout && timeout > TimeSpan.Zero
            ? Math.Max(1, (long)Math.Round(timeout / interval))
            : long.MaxValue;
        var clock = Stopwatch.StartNew();
        for (long sequence = 1; sequence <= count; sequence++)
        {
            var due = interval * sequence;
            while (clock.Elapsed < due)
            {
                var wait = due - clock.Elapsed;
                if (wait > OutputCheck)
                    wait = OutputCheck;
                if (wait > TimeSpan.Zero && cancellation.WaitHandle.WaitOne(wait))
                    return true;
                if (options.OutputClosed?.Invoke() == true)
                    return false;
            }
            if (!emit((int)Math.Min(sequence, int.MaxValue)))
                return false;
        }
        return true;
    }
}
