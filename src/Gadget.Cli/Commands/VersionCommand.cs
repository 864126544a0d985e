using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace Gadget.Cli.Commands;

/// <summary>`ig version` and `ig --version`: the version of this build.</summary>
internal static class VersionCommand
{
    public static string Version { get; } =
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    public static Command Create(ICliConsole console)
    {
        var command = new Command("version", "Show version");
        command.SetAction(_ => Print(console));
        return command;
    }

    /// <summary>Makes --version print what `ig version` does: System.CommandLine's own prints
    /// the entry assembly's informational version, commit hash included.</summary>
    public static void UseForVersionOption(RootCommand root, ICliConsole console) =>
        root.Options.OfType<VersionOption>().Single().Action = new PrintVersion(console);

    private static int Print(ICliConsole console)
    {
        using var writer = new StreamWriter(console.Out, leaveOpen: true);
        writer.WriteLine("v" + Version);
        return ExitCodes.Success;
    }

    private sealed class PrintVersion(ICliConsole console) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult) => Print(console);
    }
}
