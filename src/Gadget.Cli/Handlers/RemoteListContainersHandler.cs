using Gadget.Agent.Client;
using Gadget.Containers;
using Gadget.Output;

namespace Gadget.Cli.Handlers;

/// <summary>`ig --remote ... list-containers`: the agent's containers, written as a local listing
/// writes them; with --watch, followed until Ctrl-C or the timeout.</summary>
public static class RemoteListContainersHandler
{
    public static int Run(ListContainersArgs args, RemoteTarget target, ICliConsole console)
    {
        using var stop = new StopSignals(args.Timeout);
        using var output = new StreamWriter(console.Out, leaveOpen: true);
        var writer = new ContainerListWriter(output, args.Json, args.Watch, args.Columns);
        var existing = new List<ContainerInfo>();
        var listed = false;
        RemoteContainers.List(target, args.Containers.Selector, args.Watch, () =>
        {
            listed = true;
            writer.WriteHeader();
            foreach (var container in existing)
                writer.Write(container);
            output.Flush();
        }, (change, container) =>
        {
            if (!listed)
                existing.Add(container);
            else if (change == RemoteContainerChange.Updated)
                writer.WriteUpdate(container);
            else
                writer.Write(container, created: change != RemoteContainerChange.Removed);
            output.Flush();
        }, stop.Token);
        return ExitCodes.Success;
    }
}
