using Gadget.Cli.Commands;
using Gadget.Containers;
using Gadget.Output;
using Gadget.Runtime;

namespace Gadget.Cli.Handlers;

public sealed record ListContainersArgs(ContainerArgs Containers, bool Json, bool Watch, TimeSpan? Timeout, bool Verbose,
    IReadOnlyList<ContainerColumn>? Columns = null);

/// <summary>Lists the selected containers; with --watch, follows them until Ctrl-C or the timeout.</summary>
public static class ListContainersHandler
{
    public static int Run(ListContainersArgs args, ICliConsole console)
    {
        Preflight.CheckRoot();
        // Before discovery: a signal while it lists must end the run, not kill it.
        using var stop = new StopSignals(args.Timeout);
        using var output = new StreamWriter(console.Out, leaveOpen: true);
        var writer = new ContainerListWriter(output, args.Json, args.Watch, args.Columns);
        var selector = args.Containers.Selector;
        using var discovery = ContainerDiscovery.Start(args.Containers.Discovery with { Runtimes = selector.Runtimes },
            console.Error, args.Verbose ? console.Error : null);

        discovery.Ready.GetAwaiter().GetResult();
        writer.WriteHeader();
        var gate = new Lock();
        // Containers written so far (by mount namespace): a container first seen while it
        // starts may match the filter (-l, -c) only once its runtime has described it, and
        // what the runtime adds later (image digest, labels) is written as an update.
        var shown = new HashSet<ulong>();
        void OnChanged(ContainerInfo container, bool added)
        {
            lock (gate)
            {
                if (added ? selector.Matches(container) && shown.Add(container.MntnsId) : shown.Remove(container.MntnsId))
                    writer.Write(container, added);
            }
        }
        void OnUpdated(ContainerInfo container)
        {
            lock (gate)
            {
                if (shown.Contains(container.MntnsId))
                    writer.WriteUpdate(container);
                else if (selector.Matches(container) && shown.Add(container.MntnsId))
                    writer.Write(container, created: true);
            }
        }

        lock (gate)
        {
            if (args.Watch)
            {
                discovery.Collection.Changed += OnChanged;
                discovery.Collection.Updated += OnUpdated;
            }
            foreach (var container in discovery.Collection.Snapshot().Where(selector.Matches))
            {
                if (shown.Add(container.MntnsId))
                    writer.Write(container);
            }
        }
        if (!args.Watch)
            return ExitCodes.Success;

        // Writes to a closed pipe fail silently here, so ask the pipe (`| head` must end us).
        while (!stop.Token.WaitHandle.WaitOne(OutputCheckInterval) && !console.OutputClosed())
        {
        }
        discovery.Collection.Changed -= OnChanged;
        discovery.Collection.Updated -= OnUpdated;
        return ExitCodes.Success;
    }

    private static readonly TimeSpan OutputCheckInterval = TimeSpan.FromMilliseconds(100);
}
