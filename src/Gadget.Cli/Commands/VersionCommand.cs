using System.CommandLine;
using System.Reflection;

namespace Gadget.Cli.Commands;

/// <summary>`ig version`: the version of this build.</summary>
internal static class VersionCommand
{
    public static string Version { get; } =
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    public static Command Create(ICliConsole console)
    {
        var command = new Command("version", "Show version");
        command.SetAction(_ =>
        {
            using var writer = new StreamWriter(console.Out, leaveOpen: true);
            writer.WriteLine("v" + Version);
            return ExitCodes.Success;
        });
        return command;
    }
}
