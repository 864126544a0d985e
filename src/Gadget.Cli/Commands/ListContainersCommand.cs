using System.CommandLine;
using Gadget.Cli.Handlers;
using Gadget.Output;

namespace Gadget.Cli.Commands;

/// <summary>`ig list-containers`: the containers ig sees, now or (--watch) as they come and go.</summary>
internal static class ListContainersCommand
{
    private static readonly Option<bool> Watch = new("--watch", "-w")
    {
        Description = "After listing the containers, watch for new containers and removed ones",
    };

    public static Command Create(ICliConsole console)
    {
        var command = new Command("list-containers", "List all containers");
        foreach (var option in CommonOptions.ForContainers())
            command.Options.Add(option);
        command.Options.Add(CommonOptions.Output);
        command.Options.Add(CommonOptions.Timeout);
        command.Options.Add(Watch);
        command.SetAction(result =>
        {
            var format = OutputFormat.Parse(result.GetValue(CommonOptions.Output)!);
            var columns = format.Columns is { } names ? ContainerColumns.Select(names) : null;
            var args = new ListContainersArgs(ContainerArgs.From(result), format.Kind == OutputKind.Json, result.GetValue(Watch),
                TimeoutOption.Value(result), result.GetValue(CommonOptions.Verbose), columns);
            return RemoteOptions.Target(result) is { } remote ? RemoteListContainersHandler.Run(args, remote, console) : ListContainersHandler.Run(args, console);
        });
        return command;
    }
}
