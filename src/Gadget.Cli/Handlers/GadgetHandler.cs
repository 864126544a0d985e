using Gadget.Cli.Commands;
using Gadget.Gadgets;
using Gadget.Output;
using Gadget.Runtime;

namespace Gadget.Cli.Handlers;

/// <summary>What `ig <category> <gadget>` was asked to do, parsed from the command line.</summary>
public sealed record GadgetArgs(
    GadgetDefinition Gadget,
    ParameterValues Parameters,
    OutputFormat Output,
    TimeSpan? Timeout,
    uint RingBufferBytes,
    bool Verbose,
    ContainerArgs Containers);

/// <summary>Runs a gadget of any kind on this host until it is done, Ctrl-C, SIGTERM or the timeout.</summary>
public static class GadgetHandler
{
    public static int Run(GadgetArgs args, ICliConsole console, CancellationToken cancellation = default)
    {
        // The session applies --timeout itself: an interval gadget counts it in whole intervals.
        using var stop = new StopSignals(null, cancellation);

        var verbose = args.Verbose ? console.Error : null;
        // Checked before discovery, so that a bad value is the only line printed.
        args.Output.Check(args.Gadget);
        var options = new RunOptions
        {
            Parameters = args.Parameters,
            Selector = args.Containers.Selector,
            Discovery = args.Containers.Discovery,
            RingBufferBytes = args.RingBufferBytes,
            Timeout = args.Timeout,
            Verbose = verbose,
            Warnings = console.Error,
            OutputClosed = console.OutputClosed,
        };
        var sink = args.Output.CreateSink(console.Out, console.Error, console.Terminal);
        var summary = GadgetSession.Run(args.Gadget, options, sink, stop.Token);
        // Every way a run ends comes back here (Ctrl-C and SIGTERM only cancel), so every run
        // ends with its totals.
        console.Error.WriteLine(SummaryLine.Format(summary));
        // What ig itself cost, for reports of its footprint.
        if (verbose is not null)
        {
            var gc = GC.GetGCMemoryInfo();
            verbose.WriteLine($"ig: memory: RSS {Environment.WorkingSet / 1024} KiB; managed heap {gc.HeapSizeBytes / 1024} KiB " +
                $"({gc.TotalCommittedBytes / 1024} KiB committed), {GC.GetTotalAllocatedBytes() / 1024} KiB allocated in all, {GC.CollectionCount(0)} collections");
        }
        return ExitCodes.Success;
    }
}
