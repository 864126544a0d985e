using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Cli;

/// <summary>The ways a user or a script ends ig, as they meet the published binary: each one
/// ends the run cleanly, with its summary, promptly, and nothing left loaded.</summary>
public sealed class StopTests : OwningTest
{

    /// <summary>Runs a shell script with the ig binary as its $0, as PreflightCliTests does.</summary>
    private static (int ExitCode, string Output, string Error) RunScript(string script) =>
        Shell.TryRun("sh", null, TimeSpan.FromSeconds(30), "-c", script, Paths.IgBinary);

    [Fact]
    public void Sigint_stops_ig_run_in_the_background_of_a_script_with_its_summary()
    {
        Requires.Root();
        // Without job control, sh starts `&` jobs with SIGINT ignored.
        var script = """
            err=$(mktemp)
            "$0" trace exec --host >/dev/null 2>"$err" &
            pid=$!
            sleep 1.5
            kill -INT $pid
            for i in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
            if kill -0 $pid 2>/dev/null; then echo still-running; kill -KILL $pid; fi
            wait
            sed 's/^/stderr: /' "$err"
            rm -f "$err"
            """;

        var result = RunScript(script);

        Assert.DoesNotContain("still-running", result.Output);
        Assert.Matches(@"stderr: ig: \d+ events?, 0 lost", result.Output);
    }

    [Fact]
    public void List_containers_watch_ends_when_its_reader_goes_away()
    {
        Requires.Root();
        var started = DateTime.UtcNow;

        var result = RunScript("\"$0\" list-containers --watch | head -1; echo exit=$?");

        Assert.StartsWith("EVENT", result.Output);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), $"ig ran on for {DateTime.UtcNow - started} after head exited");
    }

    [Theory]
    [InlineData("list-containers", "--watch")]
    [InlineData("trace", "exec", "--host")]
    public void Two_signals_in_a_row_end_the_run_without_a_crash(params string[] command)
    {
        Requires.Root();
        // As `timeout` does (the child and its process group), or an impatient Ctrl-C twice:
        // the second signal may arrive while the run is being torn down.
        for (var attempt = 0; attempt < 8; attempt++)
        {
            using var ig = IgProcess.Start(command);
            ig.WaitForLine(l => l.StartsWith("EVENT", StringComparison.Ordinal) || l.Contains("PCOMM", StringComparison.Ordinal), "with the header");
            ig.Signal("TERM");
            Thread.Sleep(attempt * 15);
            try
            {
                ig.Signal("TERM");
            }
            catch (InvalidOperationException)
            {
                // Already gone: the race was lost the other way round this time.
            }
            Assert.Equal(0, ig.WaitForExit(TimeSpan.FromSeconds(15)));
            Assert.DoesNotContain("Unhandled", ig.ErrorText, StringComparison.Ordinal);
        }
    }
}
