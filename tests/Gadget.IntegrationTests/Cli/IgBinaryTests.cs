using System.Text.Json;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Cli;

/// <summary>The published binary, as a user runs it: output, signals, errors, clean-up.</summary>
public sealed class IgBinaryTests : OwningTest
{
    private readonly string _dir;

    public IgBinaryTests()
    {
        _dir = OwnTempDirectory();
    }

    private string UniqueBinary()
    {
        var path = Path.Combine(_dir, Paths.UniqueName("igb"));
        File.Copy("/bin/true", path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public void Trace_exec_prints_columns_and_stops_cleanly_on_sigint()
    {
        Requires.Root();
        var binary = UniqueBinary();
        using var ig = IgProcess.Start("trace", "exec", "--host");
        ig.WaitForLine(l => l.Contains("PCOMM", StringComparison.Ordinal), "with the header");

        Shell.RunAndGetPid(binary, "hello");

        var line = ig.WaitForLine(l => l.Contains(Path.GetFileName(binary), StringComparison.Ordinal), "for the exec");
        Assert.EndsWith($"{binary} hello", line);
        ig.Signal("INT");
        Assert.Equal(0, ig.WaitForExit());
        Assert.Matches(SummaryLine, ig.ErrorText);
        Assert.DoesNotMatch(@"(?m)^ig: 0 events", ig.ErrorText); // the exec above was one
        KernelObjects.AssertNoneLoaded();
    }

    /// <summary>The totals that end every run, alone on the last line of standard error.</summary>
    private const string SummaryLine = @"(^|\n)ig: \d+ events?, \d+ lost[^\n]*$";

    [Fact]
    public void Sigkill_leaves_nothing_loaded()
    {
        Requires.Root();
        using var ig = IgProcess.Start("trace", "open", "--host", "-o", "json");
        ig.WaitForLine(_ => true, "at all", TimeSpan.FromSeconds(15));
        Assert.NotEmpty(KernelObjects.HeldBy(ig.Pid));

        ig.Signal("KILL");
        ig.WaitForExit();

        KernelObjects.AssertNoneLoaded();
    }

    [Fact]
    public void Timeout_ends_the_run_with_success()
    {
        Requires.Root();
        using var ig = IgProcess.Start("trace", "exec", "--timeout", "1");

        Assert.Equal(0, ig.WaitForExit(TimeSpan.FromSeconds(10)));
        Assert.Contains(ig.Lines, l => l.Contains("PCOMM", StringComparison.Ordinal));
        Assert.Matches(SummaryLine, ig.ErrorText);
        Assert.DoesNotContain(ig.Lines, l => l.StartsWith("ig:", StringComparison.Ordinal)); // stdout is columns only
        KernelObjects.AssertNoneLoaded();
    }

    [Fact]
    public async Task Json_output_through_head_ends_when_head_does()
    {
        Requires.Root();
        var start = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"'{Paths.IgBinary}' trace open --host -o json | head -n 3");
        using var pipeline = System.Diagnostics.Process.Start(start)!;
        var output = pipeline.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = pipeline.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);

        // Keep opening files until head has its lines: ig must then notice and exit by itself.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!pipeline.HasExited && DateTime.UtcNow < deadline)
        {
            await File.ReadAllTextAsync("/etc/hostname", TestContext.Current.CancellationToken);
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.True(pipeline.WaitForExit(TimeSpan.FromSeconds(5)), "ig kept running after head exited");
        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.Equal("normal", JsonDocument.Parse(l).RootElement.GetProperty("type").GetString()));
        Assert.Matches(SummaryLine, (await errors).TrimEnd('\n'));
        KernelObjects.AssertNoneLoaded();
    }

    [Fact]
    public void Custom_columns_show_exactly_those_columns()
    {
        Requires.Root();
        var binary = UniqueBinary();
        using var ig = IgProcess.Start("trace", "exec", "--host", "-o", "columns=comm,pid");
        ig.WaitForLine(l => l.StartsWith("COMM", StringComparison.Ordinal), "with the header");

        var pid = Shell.RunAndGetPid(binary);

        var line = ig.WaitForLine(l => l.StartsWith(Path.GetFileName(binary), StringComparison.Ordinal), "for the exec");
        Assert.Equal([Path.GetFileName(binary), pid.ToString(System.Globalization.CultureInfo.InvariantCulture)], line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Without_root_it_says_so_in_one_line()
    {
        Requires.Root(); // to drop privileges, the test must have them
        var result = Shell.TryRun("setpriv", null, TimeSpan.FromSeconds(10),
            "--reuid=65534", "--regid=65534", "--clear-groups", Paths.IgBinary, "trace", "exec");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Error: ig must run as root: it loads eBPF programs into the kernel", result.Error.Trim());
    }

    [Theory]
    [InlineData("trace", "exec", "--no-such-flag")]
    [InlineData("trace", "no-such-gadget")]
    [InlineData("trace", "tcpconnect", "--min", "abc")]
    [InlineData("trace", "signal", "--pid", "abc")]
    [InlineData("trace", "open", "--failed=maybe")]
    [InlineData("trace", "bind", "-P", "70000")]
    [InlineData("trace", "signal", "--signal", "NOPE")]
    [InlineData("trace", "exec", "-o", "badformat")]
    [InlineData("trace", "exec", "--host", "--timeout", "5184000")]
    [InlineData("list-containers", "-w", "--timeout", "5184000")]
    [InlineData("list-containers", "--timeout", "-1")]
    // An unreachable runtime would add its warning if the size were checked after discovery.
    [InlineData("trace", "open", "--ring-size", "3000", "--docker-socketpath", "/nonexistent/docker.sock")]
    [InlineData("trace", "exec", "-o", "columns=pid,nosuch", "--docker-socketpath", "/nonexistent/docker.sock")]
    [InlineData("trace", "open", "--prefixes", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17")]
    public void Bad_input_is_one_error_line_and_leaves_nothing_loaded(params string[] args)
    {
        Requires.Root();
        // Whether the parser or the gadget finds it.
        ErrorLine.AssertRefused(args);
    }

    [Theory]
    [InlineData("ig", "nosuch")]
    [InlineData("ig trace", "trace", "nosuch")]
    public void An_unknown_command_is_named_in_one_line(string group, params string[] args)
    {
        var result = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(15), args);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"Error: unknown command \"nosuch\" for \"{group}\" (see '{group} --help')", result.Error.TrimEnd('\n'));
        Assert.Empty(result.Output);
    }

    [Fact]
    public void The_version_flag_and_the_version_command_print_the_same_line()
    {
        var flag = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(15), "--version");
        var command = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(15), "version");

        Assert.Equal((0, 0), (flag.ExitCode, command.ExitCode));
        Assert.Matches(@"^v\d+\.\d+\.\d+\n$", command.Output);
        Assert.Equal(command.Output, flag.Output);
    }
}
