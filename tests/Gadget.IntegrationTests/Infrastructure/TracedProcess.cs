using System.Globalization;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>Who ran a command: what an event must be attributed to. A container variant of a test
/// would start the same command in the container and read these from it.</summary>
internal readonly record struct ProcessIdentity(int Pid, ulong MountNamespace);

/// <summary>Runs commands, on the host or in a test's network namespace, and reports the process
/// that ran them: the command is exec'd by a shell that first prints its pid and mount namespace,
/// so the identity is that of the command itself (exec keeps both).</summary>
internal static class TracedProcess
{
    private const string Marker = "igt-identity";
    private const string Script = $"echo \"{Marker} $$ $(stat -L -c %i /proc/self/ns/mnt)\"; exec \"$@\"";

    /// <summary>Runs the command to completion; returns who ran it and what it printed after the marker.</summary>
    public static (ProcessIdentity Process, string Output) Run(NetworkNamespace? ns, params string[] command) =>
        RunWithInput(ns, null, command);

    /// <summary>Like <see cref="Run"/>, with <paramref name="input"/> on stdin (then end of file).</summary>
    public static (ProcessIdentity Process, string Output) RunWithInput(NetworkNamespace? ns, string? input, params string[] command)
    {
        var (file, args) = CommandLine(ns, command);
        var result = Shell.TryRun(file, input, TimeSpan.FromSeconds(60), args);
        var lines = result.Output.Split('\n');
        var identity = Parse(lines.FirstOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{string.Join(' ', command)} did not start: {result.Error}"));
        return (identity, string.Join('\n', lines.Where(l => !l.StartsWith(Marker, StringComparison.Ordinal))));
    }

    /// <summary>Starts the command in the background and waits until it is running.</summary>
    public static (BackgroundProcess Process, ProcessIdentity Identity) Start(NetworkNamespace? ns, params string[] command)
    {
        var (file, args) = CommandLine(ns, command);
        var process = BackgroundProcess.Start(file, args);
        try
        {
            return (process, Parse(process.WaitForLine(l => l.StartsWith(Marker, StringComparison.Ordinal), "with its identity")));
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    private static (string File, string[] Args) CommandLine(NetworkNamespace? ns, string[] command)
    {
        string[] shell = ["/bin/sh", "-c", Script, "sh", .. command];
        var line = ns is null ? shell : ns.Wrap(shell);
        return (line[0], line[1..]);
    }

    private static ProcessIdentity Parse(string line)
    {
        var parts = line.Split(' ');
        return new ProcessIdentity(
            int.Parse(parts[1], CultureInfo.InvariantCulture),
            ulong.Parse(parts[2], CultureInfo.InvariantCulture));
    }
}
