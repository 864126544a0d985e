using Gadget.Cli.Commands;
using Gadget.Gadgets;
using Gadget.Output;
using Gadget.Runtime;

namespace Gadget.Cli.Handlers;

/// <summary>What `ig trace <gadget>` was asked to do, parsed from the command line.</summary>
public sealed record TraceArgs(
    TraceGadget Gadget,
    ParameterValues Parameters,
    OutputFormat Output,
    TimeSpan? Timeout,
    uint RingBufferBytes,
    bool Verbose,
    ContainerArgs Containers);

/// <summary>Runs a trace gadget on this host until Ctrl-C, SIGTERM or the timeout.</summary>
public static class TraceHandler
{
    public static int Run(TraceArgs args, ICliConsole console, CancellationToken cancellation = default)
    {
        using var stop = new StopSignals(args.Timeout, cancellation);

        var verbose = args.Verbose ? console.Error : null;
        // Checked before discovery, so that a bad value or a missing privilege is the only line
        // printed (discovery warns about unreachable runtimes), and because discovery needs
        // root too (fanotify, /proc of other users).
        args.Gadget.Validate(args.Parameters);
        GadgetRunner.CheckRingBufferSize(args.RingBufferBytes);
        args.Output.CheckColumns(args.Gadget.Schema);
        Preflight.Check();
        using var scope = ContainerScope.Start(args.Containers.Selector, args.Containers.Discovery, console.Error, verbose);
        // The sink is made once containers are known (the columns depend on them), after the
        // programs loaded in parallel with the discovery.
        IEventSink? sink = null;
        var deferred = new DeferredSink(() => sink!);
        var options = new RunOptions
        {
            Parameters = args.Parameters,
            RingBufferBytes = args.RingBufferBytes,
            Verbose = verbose,
            OutputClosed = console.OutputClosed,
            Containers = scope.Containers,
            MountNamespaceFilter = scope.KernelFilter,
            BeforeStart = () =>
            {
                var columns = scope.PlacementColumns.Concat(args.Gadget.DefaultColumns(args.Parameters)).ToList();
                sink = args.Output.CreateSink(args.Gadget.Schema, columns, console.Out, console.Error);
            },
        };
        var summary = GadgetRunner.Run(args.Gadget, options, deferred, stop.Token);
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
