using System.Globalization;
using Gadget.Gadgets.Trace.Capabilities;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Trace;

/// <summary>trace capabilities against the real kernel: chown(1) as root (allowed) and as nobody
/// (denied), setpriv(1) changing its uid (a setid check), and the checks the kernel makes without
/// auditing them (CAP_SYS_ADMIN for memory overcommit on every mapping).</summary>
public sealed class TraceCapabilitiesTests : OwningTest
{
    private readonly string _dir;
    private readonly string _file;

    public TraceCapabilitiesTests()
    {
        _dir = OwnTempDirectory();
        _file = Path.Combine(_dir, "owned-by-root");
        File.WriteAllText(_file, "x");
    }

    /// <summary>A copy of a system binary under a unique name, so its events are ours alone;
    /// everyone may run it (nobody too).</summary>
    private string Unique(string binary, string prefix)
    {
        var path = Path.Combine(_dir, Paths.UniqueName(prefix));
        File.Copy(binary, path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(_dir, File.GetUnixFileMode(_dir) | UnixFileMode.OtherExecute);
        return path;
    }

    private static (int ExitCode, string Error) AsNobody(params string[] command) =>
        Run("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", .. command]);

    private static (int ExitCode, string Error) Run(string file, params string[] args)
    {
        var result = Shell.TryRun(file, null, TimeSpan.FromSeconds(30), args);
        return (result.ExitCode, result.Error);
    }

    [Fact]
    public void Reports_allowed_and_denied_checks_with_the_syscall_behind_them()
    {
        Requires.Root();
        var chown = Unique("/bin/chown", "igc");
        var comm = Path.GetFileName(chown);
        using var session = RunningGadget.Start(new CapabilitiesGadget());

        Assert.Equal(0, Run(chown, "1:1", _file).ExitCode);
        Assert.NotEqual(0, AsNobody(chown, "0:0", _file).ExitCode);

        var allowed = session.WaitFor(e => e.Str("comm") == comm && e.Str("capName") == "CHOWN" && e.Num("uid") == 0, "for the allowed chown");
        Assert.Equal("Allow", allowed.Str("verdict"));
        Assert.Equal("fchownat", allowed.Str("syscall"));
        Assert.Equal(0, allowed.Num("cap"));
        Assert.Equal(1, allowed.Num("audit"));
        Assert.False(allowed.GetProperty("insetid").GetBoolean());
        Assert.Contains("chown", allowed.Strings("capsNames"));
        Assert.Equal(MountNamespace.Own, (ulong)allowed.Num("mountnsid"));
        var denied = session.WaitFor(e => e.Str("comm") == comm && e.Str("capName") == "CHOWN" && e.Num("uid") == 65534, "for the denied chown");
        Assert.Equal("Deny", denied.Str("verdict"));
        Assert.Equal("fchownat", denied.Str("syscall"));
        Assert.Equal(0, denied.Num("caps"));
        Assert.Empty(denied.Strings("capsNames"));
    }

    [Fact]
    public void Audit_only_by_default_leaves_out_the_checks_that_ask_not_to_be_audited()
    {
        Requires.Root();
        var kinds = CapabilityCallers.ForRunningKernel().Select(c => c.Kind).ToHashSet();
        Assert.Superset(new HashSet<CapabilityCallerKind> { CapabilityCallerKind.Check, CapabilityCallerKind.Pass, CapabilityCallerKind.NoAudit, CapabilityCallerKind.InSetId }, kinds);
        var chown = Unique("/bin/chown", "igc");
        var comm = Path.GetFileName(chown);
        using var auditOnly = RunningGadget.Start(new CapabilitiesGadget());
        using var everything = RunningGadget.Start(new CapabilitiesGadget(), ("audit-only", "false"));

        Run(chown, "1:1", _file);

        // Loading the program maps memory: CAP_SYS_ADMIN for overcommit, never audited.
        var quiet = everything.WaitFor(e => e.Str("comm") == comm && e.Num("audit") == 0, "for an unaudited check");
        Assert.Equal("SYS_ADMIN", quiet.Str("capName"));
        Assert.Contains(quiet.Str("syscall"), (string?[])["execve", "mmap", "brk", null]);
        auditOnly.WaitFor(e => e.Str("comm") == comm && e.Str("capName") == "CHOWN", "for the audited chown");
        auditOnly.Stop();
        Assert.All(auditOnly.Records.Where(r => r.IsEvent()), e => Assert.Equal(1, e.Num("audit")));
    }

    [Fact]
    public void Setuid_checks_are_marked_insetid()
    {
        Requires.Root();
        var setpriv = Unique("/usr/bin/setpriv", "igp");
        var comm = Path.GetFileName(setpriv);
        using var session = RunningGadget.Start(new CapabilitiesGadget());

        Run(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "/bin/true");

        var setuid = session.WaitFor(e => e.Str("comm") == comm && e.Str("capName") == "SETUID", "for the setuid check");
        Assert.True(setuid.GetProperty("insetid").GetBoolean());
        Assert.Contains(setuid.Str("syscall"), (string?[])["setresuid", "setreuid", "setuid"]);
        Assert.Equal("Allow", setuid.Str("verdict"));
    }

    [Fact]
    public void Unique_shows_each_capability_once_per_container()
    {
        Requires.Root();
        var chown = Unique("/bin/chown", "igc");
        var comm = Path.GetFileName(chown);
        using var unique = RunningGadget.Start(new CapabilitiesGadget(), ("unique", "true"));
        using var all = RunningGadget.Start(new CapabilitiesGadget());

        // Three chowns in a mount namespace of their own: a container of their own.
        var mntns = MountNamespace.Parse(Shell.Run("unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
            $"readlink /proc/self/ns/mnt; {chown} 1:1 {_file}; {chown} 2:2 {_file}; {chown} 3:3 {_file}").Split('\n')[0]);

        // Without --unique, each chown checks CAP_CHOWN (for the owner, and again for the group).
        all.WaitFor(_ => all.Records.Count(r => r.Str("comm") == comm && r.Str("capName") == "CHOWN") >= 3, "for the three chowns");
        unique.Stop();
        var inContainer = unique.Records.Where(e => e.IsEvent() && (ulong)e.Num("mountnsid") == mntns).ToList();
        Assert.Single(inContainer, e => e.Str("capName") == "CHOWN");
        Assert.Equal(inContainer.Count, inContainer.Select(e => e.Num("cap")).Distinct().Count());
    }

    [Fact]
    public void The_binary_prints_the_reference_columns()
    {
        Requires.Root();
        var chown = Unique("/bin/chown", "igc");
        var comm = Path.GetFileName(chown);
        using var ig = IgProcess.Start("trace", "capabilities", "--host");
        ig.WaitForLine(l => l.Contains("VERDICT", StringComparison.Ordinal), "with the header");

        var pid = Shell.RunAndGetPid(chown, "1:1", _file);

        var line = ig.WaitForLine(l => l.Contains(comm, StringComparison.Ordinal) && l.Contains("CHOWN", StringComparison.Ordinal), "for the chown");
        Assert.Equal([pid.ToString(CultureInfo.InvariantCulture), comm, "fchownat", "0", "CHOWN", "1", "Allow"],
            line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        ig.Signal("INT");
        Assert.Equal(0, ig.WaitForExit());
        KernelObjects.AssertNoneLoaded();
    }

    [Fact]
    public void A_denied_check_in_a_Docker_container_is_the_containers()
    {
        Requires.Root();
        using var container = DockerContainer.Run(dockerOptions: ["--cap-drop", "CHOWN"]);
        using var session = RunningGadget.StartWithContainers(new CapabilitiesGadget(), new Gadget.Containers.ContainerSelector { ContainerName = container.Name });
        using var unfiltered = RunningGadget.Start(new CapabilitiesGadget());
        var hostChown = Unique("/bin/chown", "igc");

        var result = Shell.TryRun("docker", null, TimeSpan.FromSeconds(30), "exec", container.Name, "sh", "-c", "echo x > /tmp/f && chown 1:1 /tmp/f");
        // The same denied check by a host process: seen without -c, kept out with it.
        Assert.NotEqual(0, AsNobody(hostChown, "0:0", _file).ExitCode);

        Assert.NotEqual(0, result.ExitCode);
        var e = session.WaitFor(e => e.Str("comm") == "chown" && e.Str("capName") == "CHOWN", "for the container's denied chown");
        Assert.Equal("Deny", e.Str("verdict"));
        Assert.Equal("chown", e.Str("syscall")); // busybox calls chown(2)
        Assert.Equal(1, e.Num("audit"));
        Assert.Equal(container.Name, e.Str("runtime", "containerName"));
        Assert.Equal(session.Containers!.FindById(container.Id)!.MntnsId, (ulong)e.Num("mountnsid"));
        Assert.DoesNotContain("chown", e.Strings("capsNames"));
        Assert.Contains("kill", e.Strings("capsNames"));
        var hostComm = Path.GetFileName(hostChown);
        var host = unfiltered.WaitFor(e => e.Str("comm") == hostComm && e.Str("capName") == "CHOWN", "for the host's denied chown, unfiltered");
        Assert.Equal("Deny", host.Str("verdict"));
        session.Stop();
        Assert.DoesNotContain(session.Records, r => r.Str("comm") == hostComm);
        Assert.All(session.Records.Where(r => r.IsEvent()), r => Assert.Equal(container.Name, r.Str("runtime", "containerName")));
    }
}
