using System.Globalization;
using System.Text.Json;
using Gadget.Gadgets.Trace.Signal;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Trace;

/// <summary>trace signal against the real kernel: signals sent with kill(2) and tgkill(2), a send
/// that fails, and the SIGCHLD the kernel sends by itself; compared with libbpf-tools' sigsnoop.</summary>
public sealed class TraceSignalTests : OwningTest
{
    private const int SIGUSR1 = 10, SIGUSR2 = 12, SIGTERM = 15, SIGKILL = 9, SIGCHLD = 17, ESRCH = 3;

    private readonly string _dir;

    public TraceSignalTests()
    {
        _dir = OwnTempDirectory();
    }

    /// <summary>What one run of the signaler did: its pid (and comm), its child, the free pid it
    /// failed to signal.</summary>
    private sealed record Run(string Comm, int Pid, int Child, int Free);

    /// <summary>Runs a copy of the signaler under a unique name, so its events are ours alone.</summary>
    private Run RunSignaler()
    {
        var path = Path.Combine(_dir, Paths.UniqueName("igs"));
        File.Copy(Helpers.Signaler, path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var start = new System.Diagnostics.ProcessStartInfo(path) { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        var line = process.StandardOutput.ReadToEnd().Trim(); // child=123 free=456
        process.WaitForExit();
        var values = line.Split(' ').Select(p => int.Parse(p[(p.IndexOf('=') + 1)..], CultureInfo.InvariantCulture)).ToArray();
        return new Run(Path.GetFileName(path), process.Id, values[0], values[1]);
    }

    /// <summary>One signal as both tools show it.</summary>
    private readonly record struct Sent(long Pid, string Comm, int Signal, long Tpid, long Ret);

    private static int Signal(JsonElement e) => SignalNames.TryParse(e.Str("signal")!, out var signal) ? signal : -1;

    private static Sent Key(JsonElement e) => new(e.Num("pid"), e.Str("comm")!, Signal(e), e.Num("tpid"), e.Num("ret"));

    private static List<Sent> EventsOf(RunningGadget session, Run run) =>
        session.Records.Where(r => r.IsEvent() && r.Str("comm") == run.Comm).Select(Key).ToList();

    [Fact]
    public void Reports_sent_signals_the_kernels_own_and_failed_sends()
    {
        Requires.Root();
        using var session = RunningGadget.Start(new SignalGadget());

        var run = RunSignaler();

        var killed = session.WaitFor(e => e.Str("comm") == run.Comm && e.Str("signal") == "SIGKILL", "for SIGKILL");
        Assert.Equal(run.Pid, killed.Num("pid"));
        Assert.Equal(run.Child, killed.Num("tpid"));
        Assert.Equal(MountNamespace.Own, (ulong)killed.Num("mountnsid"));
        var chld = session.WaitFor(e => e.Str("comm") == run.Comm && e.Str("signal") == "SIGCHLD" && e.Num("tpid") == run.Pid, "for the child's SIGCHLD");
        Assert.Equal(MountNamespace.Own, (ulong)chld.Num("mountnsid")); // sent once the child had left its namespaces
        session.Stop();
        var events = EventsOf(session, run);
        Assert.Contains(new Sent(run.Pid, run.Comm, SIGUSR1, run.Child, 0), events);
        Assert.Contains(new Sent(run.Pid, run.Comm, SIGUSR2, run.Child, 0), events); // tgkill
        Assert.Contains(new Sent(run.Pid, run.Comm, SIGTERM, run.Free, -ESRCH), events); // never reached signal_generate
        Assert.Contains(new Sent(run.Child, run.Comm, SIGCHLD, run.Pid, 0), events); // sent by the kernel as the child exited
        Assert.Single(events, e => e.Signal == SIGUSR1); // reported once, not again at syscall exit
    }

    [Fact]
    public void Signal_and_failed_only_keep_just_what_they_ask_for()
    {
        Requires.Root();
        using (var session = RunningGadget.Start(new SignalGadget(), ("signal", "USR2")))
        {
            var run = RunSignaler();

            session.WaitFor(e => e.Str("comm") == run.Comm && e.Str("signal") == "SIGUSR2", "for SIGUSR2");
            session.Stop();
            Assert.All(session.Records.Where(r => r.IsEvent()), e => Assert.Equal("SIGUSR2", e.Str("signal")));
        }
        using (var session = RunningGadget.Start(new SignalGadget(), ("failed-only", "true")))
        {
            var run = RunSignaler();

            session.WaitFor(e => e.Str("comm") == run.Comm && e.Str("signal") == "SIGTERM", "for the failed SIGTERM");
            session.Stop();
            Assert.Equal([new Sent(run.Pid, run.Comm, SIGTERM, run.Free, -ESRCH)], EventsOf(session, run));
            Assert.All(session.Records.Where(r => r.IsEvent()), e => Assert.True(e.Num("ret") < 0));
        }
        KernelObjects.AssertNoneLoaded();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_kill_that_seccomp_refuses_shows_with_its_error(bool killOnly)
    {
        Requires.Root();
        var path = Path.Combine(_dir, Paths.UniqueName("igs"));
        File.Copy(Helpers.Signaler, path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        using var sleeper = System.Diagnostics.Process.Start("sleep", "60");
        using var session = RunningGadget.Start(new SignalGadget(), ("kill-only", killOnly ? "true" : "false"));

        // The call never gets past seccomp: the entry tracepoint does not see it, the exit one does.
        var result = Shell.Run(path, "seccomp", sleeper.Id.ToString(CultureInfo.InvariantCulture)).Trim();

        Assert.Equal("-13", result);
        var e = session.WaitFor(e => e.Str("comm") == Path.GetFileName(path), "for the refused kill");
        Assert.Equal("SIGUSR1", e.Str("signal"));
        Assert.Equal(sleeper.Id, e.Num("tpid"));
        Assert.Equal(-13, e.Num("ret")); // EACCES, as the filter said
        sleeper.Kill();
    }

    [Fact]
    public void Pid_keeps_only_that_senders_signals()
    {
        Requires.Root();
        using var session = RunningGadget.Start(new SignalGadget(), ("pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture)));
        using var sleeper = System.Diagnostics.Process.Start("sleep", "60");

        var run = RunSignaler(); // another sender: left out
        sleeper.Kill(); // kill(2) from this process
        sleeper.WaitForExit();

        var e = session.WaitFor(e => e.Num("tpid") == sleeper.Id, "for the kill of the sleeper");
        Assert.Equal("SIGKILL", e.Str("signal"));
        session.Stop();
        Assert.Empty(EventsOf(session, run));
        Assert.All(session.Records.Where(r => r.IsEvent()), e => Assert.Equal(Environment.ProcessId, e.Num("pid")));
    }

    [Fact]
    public void Kill_only_shows_the_kill_syscalls_with_their_result()
    {
        Requires.Root();
        using var session = RunningGadget.Start(new SignalGadget(), ("kill-only", "true"));

        var run = RunSignaler();

        session.WaitFor(e => e.Str("comm") == run.Comm && e.Str("signal") == "SIGKILL", "for SIGKILL");
        session.Stop();
        Assert.Equal(
            [new Sent(run.Pid, run.Comm, SIGUSR1, run.Child, 0), new Sent(run.Pid, run.Comm, SIGUSR2, run.Child, 0),
             new Sent(run.Pid, run.Comm, SIGTERM, run.Free, -ESRCH), new Sent(run.Pid, run.Comm, SIGKILL, run.Child, 0)],
            EventsOf(session, run));
    }

    [Theory]
    [InlineData("--signal", "SIGFOO", "Error: invalid value \"SIGFOO\" for --signal: expected a signal name (SIGKILL or KILL) or number (1-64)")]
    [InlineData("--signal", "65", "Error: invalid value \"65\" for --signal: expected a signal name (SIGKILL or KILL) or number (1-64)")]
    public void The_binary_rejects_a_bad_signal_in_one_line_and_loads_nothing(string flag, string value, string message)
    {
        Requires.Root();
        var result = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(15), "trace", "signal", flag, value);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(message, result.Error.Trim());
        Assert.Equal("", result.Output);
    }

    /// <summary>sigsnoop's lines for one command: "TIME PID COMM SIG TPID RESULT", signals as numbers.</summary>
    private static HashSet<Sent> Sigsnoop(IEnumerable<string> lines, string comm) =>
        lines.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 6 && f[2] == comm)
            .Select(f => new Sent(long.Parse(f[1], CultureInfo.InvariantCulture), f[2], int.Parse(f[3], CultureInfo.InvariantCulture),
                long.Parse(f[4], CultureInfo.InvariantCulture), long.Parse(f[5], CultureInfo.InvariantCulture)))
            .ToHashSet();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Agrees_with_sigsnoop_on_the_same_workload(bool killOnly)
    {
        Requires.Root();
        using var sigsnoop = killOnly ? ReferenceTool.Start("sigsnoop", "TIME", "-k") : ReferenceTool.Start("sigsnoop", "TIME");
        using var session = RunningGadget.Start(new SignalGadget(), ("kill-only", killOnly ? "true" : "false"));

        var run = RunSignaler();

        session.WaitFor(e => e.Str("comm") == run.Comm && e.Str("signal") == "SIGKILL", "for SIGKILL");
        Thread.Sleep(1000); // sigsnoop wakes up per event, but give it time all the same
        var theirs = Sigsnoop(sigsnoop.Stop(), run.Comm);
        var ours = EventsOf(session, run).ToHashSet();

        Assert.NotEmpty(theirs);
        if (killOnly)
        {
            Assert.Equal(theirs.OrderBy(e => e.ToString()), ours.OrderBy(e => e.ToString()));
        }
        else
        {
            // sigsnoop's default mode sees only signal_generate, which a failed kill() never
            // reaches; the failed sends are the only difference.
            Assert.Equal(theirs.OrderBy(e => e.ToString()), ours.Where(e => e.Ret == 0).OrderBy(e => e.ToString()));
            Assert.Equal([new Sent(run.Pid, run.Comm, SIGTERM, run.Free, -ESRCH)], ours.Where(e => e.Ret != 0));
        }
    }

    [Fact]
    public void A_signal_sent_in_a_Docker_container_is_the_containers()
    {
        Requires.Root();
        using var container = DockerContainer.Run();
        using var session = RunningGadget.StartWithContainers(new SignalGadget(), new Gadget.Containers.ContainerSelector { ContainerName = container.Name });

        // The container's init ignores signals it has no handler for; they are sent all the same.
        container.Exec("kill", "-USR2", "1");

        var e = session.WaitFor(e => e.Str("comm") == "kill" && e.Str("signal") == "SIGUSR2", "for the container's kill");
        Assert.Equal(container.Pid, e.Num("tpid")); // pids as the host sees them
        Assert.Equal(0, e.Num("ret"));
        Assert.Equal(container.Name, e.Str("runtime", "containerName"));
        Assert.Equal(session.Containers!.FindById(container.Id)!.MntnsId, (ulong)e.Num("mountnsid"));
        RunSignaler(); // on the host: left out
        session.Stop();
        Assert.All(session.Records.Where(r => r.IsEvent()), r => Assert.Equal(container.Name, r.Str("runtime", "containerName")));
    }
}
