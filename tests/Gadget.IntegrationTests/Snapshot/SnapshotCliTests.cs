using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Snapshot;

/// <summary>snapshot process and socket through the published binary: help, the reference's
/// columns (with -t and -e), one JSON array, the summary line, and one-line errors.</summary>
public sealed class SnapshotCliTests : OwningTest
{
    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static (int ExitCode, string[] Lines, string Error) Ig(params string[] args)
    {
        var result = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(60), args);
        return (result.ExitCode, result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), result.Error);
    }

    [Theory]
    [InlineData("process", "Gather information about running processes",
        "-t, --threads", "Show all threads (by default, only processes are shown)")]
    [InlineData("socket", "Gather information about TCP and UDP sockets",
        "--proto <all|tcp|udp>", "Show only sockets using this protocol (all, tcp, udp)",
        "-e, --extend", "Display other/more information (like socket inode)")]
    public void Help_shows_the_reference_description_and_flags(string gadget, string description, params string[] flagsAndTexts)
    {
        var result = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(15), "snapshot", gadget, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"Description:\n  {description}\n", result.Output, StringComparison.Ordinal);
        for (var i = 0; i < flagsAndTexts.Length; i += 2)
            Assert.Matches($@"(?m)^  {Regex.Escape(flagsAndTexts[i])} +{Regex.Escape(flagsAndTexts[i + 1])}", result.Output);
    }

    [Theory]
    [InlineData("'sctp' not recognized. Must be one of: 'all' 'tcp' 'udp'", "socket", "--proto", "sctp")]
    [InlineData("invalid --sort \"nosuchcolumn\": no such column", "socket", "--sort", "nosuchcolumn")]
    [InlineData("invalid value \"maybe\" for --threads: expected true or false", "process", "--threads=maybe")]
    public void Bad_flag_values_are_one_error_line_and_leave_nothing_loaded(string message, string gadget, params string[] flag)
    {
        Requires.Root();

        var (exitCode, lines, error) = Ig(["snapshot", gadget, .. flag]);

        Assert.Equal(1, exitCode);
        Assert.Empty(lines);
        var errors = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(errors);
        Assert.StartsWith("Error: ", errors[0]);
        Assert.Contains(message, errors[0], StringComparison.Ordinal);
        KernelObjects.AssertNoneLoaded();
    }

    [Fact]
    public void Snapshot_process_prints_the_containers_processes_under_the_reference_columns_then_ends()
    {
        Requires.Root();
        var helpers = Path.GetDirectoryName(Helpers.Snapshot)!;
        var container = Own(DockerContainer.Run(command: ["sh", "-c", "sleep 600 & /host/snapshot threads & wait"], dockerOptions: ["-v", $"{helpers}:/host:ro"]));
        var mntns = MountNamespace.Of(container.Pid);
        Poll.Until(() => ProcTask.InMountNamespace(mntns, threads: true).Count == 4, "sh, sleep and the helper's two threads");
        var expected = ProcTask.InMountNamespace(mntns, threads: true);
        string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

        var (exitCode, lines, error) = Ig("snapshot", "process", "-c", container.Name);
        var (_, threadLines, _) = Ig("snapshot", "process", "-c", container.Name, "-t");
        var (_, json, _) = Ig("snapshot", "process", "-c", container.Name, "-o", "json");

        Assert.Equal(0, exitCode);
        Assert.Equal(["CONTAINER", "COMM", "PID", "UID", "GID", "PPID"], Words(lines[0]));
        Assert.Equal(expected.Where(t => t.Pid == t.Tid).Select(t => (string[])[container.Name, t.Comm, Text(t.Pid), "0", "0", Text(t.Ppid)]),
            lines[1..].Select(Words));
        Assert.Equal("ig: 1 frame (3 rows), 0 lost", error.Trim());
        Assert.Equal(["CONTAINER", "COMM", "PID", "TID", "UID", "GID", "PPID"], Words(threadLines[0]));
        Assert.Equal(expected.Select(t => (string[])[container.Name, t.Comm, Text(t.Pid), Text(t.Tid), "0", "0", Text(t.Ppid)]),
            threadLines[1..].Select(Words));
        var rows = JsonDocument.Parse(Assert.Single(json)).RootElement;
        Assert.Equal(JsonValueKind.Array, rows.ValueKind);
        Assert.Equal(expected.Where(t => t.Pid == t.Tid), rows.EnumerateArray().Select(ProcTask.Of));
    }

    [Fact]
    public void Snapshot_socket_shows_the_inode_with_extend_and_one_protocol_with_proto()
    {
        Requires.Root();
        var helpers = Path.GetDirectoryName(Helpers.Snapshot)!;
        // Docker turns IPv6 off in a container's namespace unless asked; the helper needs ::1.
        var container = Own(DockerContainer.Run(command: ["/host/snapshot", "sockets", "7000"],
            dockerOptions: ["-v", $"{helpers}:/host:ro", "--sysctl", "net.ipv6.conf.all.disable_ipv6=0"]));
        var pid = container.Pid;
        Poll.Until(() => ProcSocket.InodesByFd(pid).Count == 9, "the helper's nine sockets");
        var inodes = ProcSocket.InodesByFd(pid);

        var (exitCode, lines, _) = Ig("snapshot", "socket", "-c", container.Name, "-e");
        var (_, udp, _) = Ig("snapshot", "socket", "-c", container.Name, "--proto", "udp");

        Assert.Equal(0, exitCode);
        Assert.Equal(["CONTAINER", "PROTOCOL", "SRC", "DST", "STATUS", "INODE"], Words(lines[0]));
        Assert.Equal(10, lines.Length);
        // The helper's first descriptors: the IPv4 listener (3), its client (4), the accepted end (5).
        Assert.Contains(lines.Select(Words), w => w.SequenceEqual([container.Name, "TCP", "127.0.0.1:7000", "0.0.0.0:0", "LISTEN", inodes[3].ToString(CultureInfo.InvariantCulture)]));
        Assert.Contains(lines.Select(Words), w => w is [_, "TCP", _, "127.0.0.1:7000", "ESTABLISHED", var inode] && inode == inodes[4].ToString(CultureInfo.InvariantCulture));
        Assert.Contains(lines.Select(Words), w => w is [_, "TCP", "127.0.0.1:7000", _, "ESTABLISHED", var inode] && inode == inodes[5].ToString(CultureInfo.InvariantCulture));
        Assert.Contains(lines.Select(Words), w => w is [_, "TCP", "[::1]:7001", "[::]:0", "LISTEN", var inode] && inode == inodes[6].ToString(CultureInfo.InvariantCulture));
        Assert.Equal(["CONTAINER", "PROTOCOL", "SRC", "DST", "STATUS"], Words(udp[0]));
        Assert.Equal(["UDP", "UDP", "UDP"], udp[1..].Select(l => Words(l)[1]));
        Assert.Contains(udp.Select(Words), w => w.SequenceEqual([container.Name, "UDP", "[::1]:7003", "[::]:0", "INACTIVE"]));
    }
}
