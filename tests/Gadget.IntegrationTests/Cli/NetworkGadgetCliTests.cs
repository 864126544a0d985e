using System.Globalization;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Cli;

/// <summary>trace bind, tcp and tcpconnect through the published binary: help, columns as the
/// reference prints them, and one-line errors for bad flag values.</summary>
public sealed class NetworkGadgetCliTests
{
    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Theory]
    [InlineData("bind", "Trace the kernel functions performing socket binding", "--pids", "-P, --ports", "-i, --ignore-errors")]
    [InlineData("tcp", "Trace TCP connect, accept and close", "--accept-only", "--connect-only", "--failure-only")]
    [InlineData("tcpconnect", "Trace connect system calls", "--latency", "--min <min>", "--timeout")]
    public void Help_shows_the_reference_description_and_flags(string gadget, string description, params string[] flags)
    {
        var result = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(15), "trace", gadget, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(description, result.Output, StringComparison.Ordinal);
        Assert.All(flags, flag => Assert.Contains(flag, result.Output, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("invalid port \"0\" for --ports", "trace", "bind", "--ports", "80,0")]
    [InlineData("invalid port \"70000\" for --ports", "trace", "bind", "-P", "70000")]
    [InlineData("invalid process id \"abc\" for --pids", "trace", "bind", "--pids", "abc")]
    [InlineData("Unrecognized command or argument 'maybe'", "trace", "bind", "--ignore-errors=maybe")]
    [InlineData("invalid value \"fast\" for --min", "trace", "tcpconnect", "--min", "fast")]
    [InlineData("--accept-only and --connect-only exclude each other", "trace", "tcp", "--accept-only", "--connect-only")]
    [InlineData("--accept-only and --failure-only exclude each other", "trace", "tcp", "--accept-only", "--failure-only")]
    public void Bad_flag_values_are_one_error_line_and_leave_nothing_loaded(string message, params string[] args)
    {
        Requires.Root();
        var result = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(15), args);

        Assert.NotEqual(0, result.ExitCode);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("Error: ", lines[0]);
        Assert.Contains(message, lines[0], StringComparison.Ordinal);
        KernelObjects.AssertNoneLoaded();
    }

    [Fact]
    public void Trace_tcp_prints_the_reference_columns()
    {
        Requires.Root();
        using var ig = IgProcess.Start("trace", "tcp", "--host");
        // Container columns come first (which ones depends on the runtimes found; blank for host
        // processes), then the reference's.
        var header = ig.WaitForLine(l => l.Contains(" T ", StringComparison.Ordinal), "with the header");
        Assert.Equal(["T", "PID", "COMM", "IP", "SRC", "DST"], Words(header)[^6..]);
        using var listener = SocketsProcess.Start(Site.Host, "listen", "4", "127.0.0.1", "0");
        var port = listener.Next("listening").Int("port");

        var client = SocketsProcess.Run(Site.Host, "connect", "4", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture));
        listener.WaitForExit();

        var clientPort = client.Single("connect").Int("port");
        var pid = client.Pid.ToString(CultureInfo.InvariantCulture);
        var line = ig.WaitForLine(l => Words(l) is ["C", var p, ..] && p == pid, "for the connect");
        Assert.Equal(["C", pid, "sockets", "4", $"127.0.0.1:{clientPort}", $"127.0.0.1:{port}"], Words(line));
        ig.WaitForLine(l => Words(l) is ["A", var p, ..] && p == listener.Pid.ToString(CultureInfo.InvariantCulture), "for the accept");
        ig.WaitForLine(l => Words(l) is ["X", var p, ..] && p == pid, "for the close");
        ig.Signal("INT");
        Assert.Equal(0, ig.WaitForExit());
        KernelObjects.AssertNoneLoaded();
    }

    [Fact]
    public void Trace_bind_and_tcpconnect_print_the_reference_columns()
    {
        Requires.Root();
        using var bind = IgProcess.Start("trace", "bind", "--host");
        using var connect = IgProcess.Start("trace", "tcpconnect", "--host", "--latency");
        var bindHeader = bind.WaitForLine(l => l.Contains("PROTO", StringComparison.Ordinal), "with the header");
        Assert.Equal(["PID", "COMM", "PROTO", "ADDR", "PORT", "OPTS", "IF"], Words(bindHeader)[^7..]);
        var connectHeader = connect.WaitForLine(l => l.Contains("LATENCY", StringComparison.Ordinal), "with the header");
        Assert.Equal(["PID", "COMM", "IP", "SRC", "DST", "LATENCY"], Words(connectHeader)[^6..]);

        using var listener = SocketsProcess.Start(Site.Host, "listen", "6", "::1", "0");
        var port = listener.Next("listening").Int("port");
        var client = SocketsProcess.Run(Site.Host, "connect", "6", "::1", port.ToString(CultureInfo.InvariantCulture));
        listener.WaitForExit();

        var bindLine = bind.WaitForLine(l => l.Contains($" {listener.Pid} ", StringComparison.Ordinal), "for the listener's bind");
        Assert.Equal([listener.Pid.ToString(CultureInfo.InvariantCulture), "sockets", "TCP", "::1", port.ToString(CultureInfo.InvariantCulture), ".R...", "0"],
            Words(bindLine));
        var connectLine = Words(connect.WaitForLine(l => l.Contains($" {client.Pid} ", StringComparison.Ordinal), "for the connect"));
        Assert.Equal([client.Pid.ToString(CultureInfo.InvariantCulture), "sockets", "6", $"[::1]:{client.Single("connect").Int("port")}", $"[::1]:{port}"], connectLine[..5]);
        Assert.Matches(@"^[0-9.]+(ns|µs|ms|s)$", connectLine[5]);
        bind.Signal("INT");
        connect.Signal("INT");
        Assert.Equal(0, bind.WaitForExit());
        Assert.Equal(0, connect.WaitForExit());
        KernelObjects.AssertNoneLoaded();
    }
}
