using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gadget.Gadgets.Common;
using Gadget.Gadgets.Trace.Mount;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Trace;

/// <summary>trace mount against the real kernel: mount(8) and umount(8) in a private mount
/// namespace of their own (nothing changes for the rest of the machine), compared with
/// libbpf-tools' mountsnoop.</summary>
public sealed partial class TraceMountTests : OwningTest
{
    private const ulong MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_REMOUNT = 32, MS_BIND = 4096, MS_REC = 16384, MS_PRIVATE = 1 << 18;
    private const int ENOENT = 2, EINVAL = 22;

    private readonly string _dir;
    private readonly string _target;
    private readonly string _source = Paths.UniqueName("igt-src");
    private readonly string _missing;

    public TraceMountTests()
    {
        _dir = OwnTempDirectory();
        _target = Path.Combine(_dir, "target");
        _missing = Path.Combine(_dir, "missing");
        Directory.CreateDirectory(_target);
    }

    /// <summary>Mounts and unmounts (some of which fail) in a new private mount namespace and
    /// returns its id. The namespace goes away with the shell, and the mounts with it.</summary>
    private ulong MountInPrivateNamespace() => MountNamespace.Parse(Shell.Run(
        "unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
        $"""
        readlink /proc/self/ns/mnt
        mount -t tmpfs -o size=1m,nosuid,nodev {_source} {_target}
        umount {_target}
        mount --bind {_missing} {_target} 2>/dev/null
        umount -l {_target} 2>/dev/null
        mount --bind -o ro /etc {_target}
        umount {_target}
        true
        """).Split('\n')[0]);

    [Fact]
    public void Reports_mounts_and_umounts_with_their_arguments_result_and_latency()
    {
        Requires.Root();
        using var session = RunningGadget.Start(new MountGadget());

        var mntns = MountInPrivateNamespace();

        var tmpfs = session.WaitFor(e => e.Str("source") == _source, "for the tmpfs mount");
        Assert.Equal("mount", tmpfs.Str("operation"));
        Assert.Equal("mount", tmpfs.Str("comm"));
        Assert.Equal(_target, tmpfs.Str("target"));
        Assert.Equal("tmpfs", tmpfs.Str("fs"));
        Assert.Equal("size=1m", tmpfs.Str("data"));
        Assert.Equal(["MS_NOSUID", "MS_NODEV"], tmpfs.Strings("flags"));
        Assert.Equal((long)(MS_NOSUID | MS_NODEV), tmpfs.Num("flagsRaw"));
        Assert.Equal(0, tmpfs.Num("ret"));
        Assert.InRange(tmpfs.Num("latency"), 1, 5_000_000_000);
        Assert.Equal(mntns, (ulong)tmpfs.Num("mountnsid"));
        Assert.NotEqual(MountNamespace.Own, mntns);

        // The workload has ended: once stopped (the ring drained), every one of its calls is here.
        session.Stop();
        var events = session.Records.Where(e => e.IsEvent() && (ulong)e.Num("mountnsid") == mntns).ToList();
        var ownNamespace = events.Single(e => e.Str("comm") == "unshare");
        Assert.Equal((long)(MS_REC | MS_PRIVATE), ownNamespace.Num("flagsRaw"));
        var missing = events.Single(e => e.Str("source") == _missing);
        Assert.Equal(-ENOENT, missing.Num("ret"));
        Assert.Equal(["MS_BIND"], missing.Strings("flags"));
        var detach = events.Single(e => e.Num("ret") == -EINVAL);
        Assert.Equal(["MNT_DETACH"], detach.Strings("flags"));
        Assert.Equal(_target, detach.Str("target"));
        Assert.Contains(events, e => e.Num("flagsRaw") == (long)(MS_RDONLY | MS_REMOUNT | MS_BIND) && e.Str("target") == _target);
        Assert.Equal(3, events.Count(e => e.Str("operation") == "umount"));
    }

    [Fact]
    public void The_mount_namespace_filter_leaves_out_other_namespaces_in_the_kernel()
    {
        Requires.Root();
        var options = new Gadget.Runtime.RunOptions { MountNamespaceFilter = new FixedMountNamespaces(MountNamespace.Own) };
        using var session = RunningGadget.Start(new MountGadget(), options);

        var other = MountInPrivateNamespace();
        // A mount in this namespace that changes nothing: its source does not exist.
        Shell.TryRun("mount", null, TimeSpan.FromSeconds(10), "--bind", _missing, _target);

        var here = session.WaitFor(e => e.Str("source") == _missing, "for the failed mount here");
        Assert.Equal(MountNamespace.Own, (ulong)here.Num("mountnsid"));
        session.Stop();
        Assert.DoesNotContain(session.Records, e => e.Str("source") == _source || (ulong)e.Num("mountnsid") == other);
    }

    /// <summary>One call as both tools show it.</summary>
    private readonly record struct Call(string Comm, long Pid, long Tid, ulong Mntns, string Op, string Source, string Target, string Fs, ulong Flags, string Data, long Ret);

    private static Call Ours(JsonElement e) => e.Str("operation") == "umount"
        ? new(e.Str("comm")!, e.Num("pid"), e.Num("tid"), (ulong)e.Num("mountnsid"), "umount", "", e.Str("target") ?? "", "", (ulong)e.Num("flagsRaw"), "", e.Num("ret"))
        : new(e.Str("comm")!, e.Num("pid"), e.Num("tid"), (ulong)e.Num("mountnsid"), "mount", e.Str("source") ?? "", e.Str("target") ?? "", e.Str("fs") ?? "",
            (ulong)e.Num("flagsRaw"), e.Str("data") ?? "", e.Num("ret"));

    /// <summary>mountsnoop's flag names, in its table's order: the name at index i stands for bit i.
    /// From bit 9 on the names are one place off (MS_NOATIME is really bit 10), so they are turned
    /// back into the bits mountsnoop saw with its own table.</summary>
    private static readonly string[] MountsnoopFlagNames =
    [
        "MS_RDONLY", "MS_NOSUID", "MS_NODEV", "MS_NOEXEC", "MS_SYNCHRONOUS", "MS_REMOUNT", "MS_MANDLOCK", "MS_DIRSYNC",
        "MS_NOSYMFOLLOW", "MS_NOATIME", "MS_NODIRATIME", "MS_BIND", "MS_MOVE", "MS_REC", "MS_VERBOSE", "MS_SILENT",
        "MS_POSIXACL", "MS_UNBINDABLE", "MS_PRIVATE", "MS_SLAVE", "MS_SHARED", "MS_RELATIME", "MS_KERNMOUNT", "MS_I_VERSION",
        "MS_STRICTATIME", "MS_LAZYTIME", "MS_SUBMOUNT", "MS_NOREMOTELOCK", "MS_NOSEC", "MS_BORN", "MS_ACTIVE", "MS_NOUSER",
    ];

    [GeneratedRegex(@"^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(.*)$")]
    private static partial Regex MountsnoopLine();

    [GeneratedRegex("""^mount\("(.*)", "(.*)", "(.*)", (.*), "(.*)"\) = (\S+)$""")]
    private static partial Regex MountsnoopMount();

    [GeneratedRegex("""^umount\("(.*)", (.*)\) = (\S+)$""")]
    private static partial Regex MountsnoopUmount();

    private static Call? Theirs(string line)
    {
        var match = MountsnoopLine().Match(line);
        if (!match.Success)
            return null;
        var (comm, pid, tid, mntns, call) = (match.Groups[1].Value, long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture),
            long.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture), ulong.Parse(match.Groups[4].Value, CultureInfo.InvariantCulture), match.Groups[5].Value);
        if (MountsnoopMount().Match(call) is { Success: true } m)
            return new(comm, pid, tid, mntns, "mount", m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, Flags(m.Groups[4].Value), m.Groups[5].Value, Ret(m.Groups[6].Value));
        if (MountsnoopUmount().Match(call) is { Success: true } u)
            return new(comm, pid, tid, mntns, "umount", "", u.Groups[1].Value, "", Flags(u.Groups[2].Value), "", Ret(u.Groups[3].Value));
        return null;

        static ulong Flags(string text) => text == "0x0" ? 0 : text.Split('|', StringSplitOptions.TrimEntries)
            .Aggregate(0ul, (bits, name) => bits | (1ul << Array.IndexOf(MountsnoopFlagNames, name)));

        static long Ret(string text) => text.StartsWith("-E", StringComparison.Ordinal)
            ? -Errno.FromName(text[1..])
            : long.Parse(text, CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Agrees_with_mountsnoop_on_the_same_workload()
    {
        Requires.Root();
        using var mountsnoop = ReferenceTool.Start("mountsnoop", "COMM");
        using var session = RunningGadget.Start(new MountGadget());

        var mntns = MountInPrivateNamespace();

        session.WaitFor(e => e.Str("operation") == "umount" && e.Num("ret") == 0 && (ulong)e.Num("mountnsid") == mntns
            && session.Records.Count(r => (ulong)r.Num("mountnsid") == mntns) >= 8, "for the whole workload");
        Thread.Sleep(1000);
        var theirs = mountsnoop.Stop().Select(Theirs).OfType<Call>().Where(c => c.Mntns == mntns).ToList();
        var ours = session.Records.Where(e => e.IsEvent() && (ulong)e.Num("mountnsid") == mntns).Select(Ours).ToList();

        Assert.Equal(8, theirs.Count); // unshare's own, then 7 by mount(8) and umount(8)
        Assert.Equal(theirs.OrderBy(c => c.ToString()), ours.OrderBy(c => c.ToString()));
    }

    [Fact]
    public void The_binary_shows_each_call_as_written_in_c()
    {
        Requires.Root();
        using var ig = IgProcess.Start("trace", "mount", "--host");
        ig.WaitForLine(l => l.Contains("CALL", StringComparison.Ordinal), "with the header");

        MountInPrivateNamespace();

        var tmpfs = ig.WaitForLine(l => l.Contains(_source, StringComparison.Ordinal), "for the tmpfs mount");
        Assert.EndsWith($"mount(\"{_source}\", \"{_target}\", \"tmpfs\", MS_NOSUID | MS_NODEV, \"size=1m\") = 0", tmpfs);
        Assert.Matches(@"^\s*mount\s+\d+\s+\d+ mount\(", tmpfs);
        var detach = ig.WaitForLine(l => l.Contains($"umount(\"{_target}\", MNT_DETACH", StringComparison.Ordinal), "for umount -l");
        Assert.EndsWith($"umount(\"{_target}\", MNT_DETACH) = -22", detach);
        ig.Signal("INT");
        Assert.Equal(0, ig.WaitForExit());
        KernelObjects.AssertNoneLoaded();
    }

    [Fact]
    public void A_mount_in_a_Docker_container_is_the_containers()
    {
        Requires.Root();
        using var container = DockerContainer.Run();
        using var session = RunningGadget.StartWithContainers(new MountGadget(), new Gadget.Containers.ContainerSelector { ContainerName = container.Name });

        // Docker's seccomp profile refuses mount to a container without CAP_SYS_ADMIN: the call
        // fails before it starts (only its exit is traced), and shows all the same.
        var result = Shell.TryRun("docker", null, TimeSpan.FromSeconds(30), "exec", container.Name, "mount", "-t", "tmpfs", _source, "/mnt");

        Assert.NotEqual(0, result.ExitCode);
        var e = session.WaitFor(e => e.Str("source") == _source, "for the container's mount");
        Assert.Equal(-1, e.Num("ret")); // EPERM
        Assert.Equal(0, e.Num("latency"));
        Assert.Equal("/mnt", e.Str("target"));
        Assert.Equal("tmpfs", e.Str("fs"));
        Assert.Equal(container.Name, e.Str("runtime", "containerName"));
        Assert.Equal(session.Containers!.FindById(container.Id)!.MntnsId, (ulong)e.Num("mountnsid"));
        MountInPrivateNamespace(); // not a container: left out
        session.Stop();
        Assert.All(session.Records.Where(r => r.IsEvent()), r => Assert.Equal(container.Name, r.Str("runtime", "containerName")));
    }
}
