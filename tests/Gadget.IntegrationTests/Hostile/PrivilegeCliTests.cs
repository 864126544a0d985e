using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Hostile;

/// <summary>ig started as root without the capabilities BPF needs, or in a PID namespace of its
/// own (a pod without hostPID): one line naming what is missing, or one warning.</summary>
public sealed class PrivilegeCliTests
{
    [Theory]
    [InlineData("-all", "CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN")]
    [InlineData("-bpf,-sys_admin", "CAP_BPF, CAP_SYS_ADMIN")]
    [InlineData("-perfmon,-sys_admin", "CAP_PERFMON, CAP_SYS_ADMIN")]
    public void Root_without_the_capabilities_is_refused_with_one_line_naming_them(string drop, string missing)
    {
        Requires.Root();
        // Root keeps uid 0 but gets no capability outside the bounding set at exec.
        var result = Shell.TryRun("setpriv", null, TimeSpan.FromSeconds(30),
            $"--bounding-set={drop}", $"--inh-caps={drop}", Paths.IgBinary, "trace", "exec", "--host", "--timeout", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"Error: ig lacks {missing}: it needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN, to load eBPF programs", result.Error.TrimEnd('\n'));
        Assert.Empty(result.Output);
    }

    [Fact]
    public void Cap_sys_admin_alone_is_enough_to_start()
    {
        Requires.Root();
        var result = Shell.TryRun("setpriv", null, TimeSpan.FromSeconds(60),
            "--bounding-set=-bpf,-perfmon", "--inh-caps=-bpf,-perfmon", Paths.IgBinary, "trace", "exec", "--host", "--timeout", "1");

        Assert.DoesNotContain("lacks", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_proc_that_is_not_the_hosts_is_one_warning()
    {
        Requires.Root();
        var result = Shell.TryRun("unshare", null, TimeSpan.FromSeconds(60),
            "--pid", "--fork", "--mount-proc", Paths.IgBinary, "trace", "exec", "--host", "--timeout", "1");

        var warnings = result.Error.Split('\n').Where(l => l.StartsWith("WARNING: /proc", StringComparison.Ordinal)).ToList();
        Assert.Equal(["WARNING: /proc is not the host's (ig runs in a PID namespace of its own): pids, process details and container discovery from /proc will be wrong or missing; run ig in the host's PID namespace (hostPID)"], warnings);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void The_hosts_proc_in_a_pid_namespace_gives_no_warning()
    {
        Requires.Root();
        // A PID namespace of its own, but the host's /proc (as with hostPID and a host mount).
        var result = Shell.TryRun("unshare", null, TimeSpan.FromSeconds(60),
            "--pid", "--fork", Paths.IgBinary, "trace", "exec", "--host", "--timeout", "1");

        Assert.DoesNotContain("WARNING: /proc", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, result.ExitCode);
    }
}
