using System.Diagnostics;
using Gadget.Gadgets.Trace.Oomkill;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Trace;

/// <summary>trace oomkill against the real kernel: two processes in a memory cgroup of their own
/// with a small limit; one in a mount namespace of its own holds most of the memory and offers
/// itself to the OOM killer, the other asks for more. The OOM killer runs in the second and kills the
/// first: the event must belong to the killed process's namespace (its container), not the killer's.</summary>
public sealed class TraceOomkillTests : OwningTest
{
    private const long Limit = 64L << 20;
    private static readonly TimeSpan OomTimeout = TimeSpan.FromSeconds(30);

    private readonly string _dir;

    public TraceOomkillTests()
    {
        _dir = OwnTempDirectory();
    }

    private string UniqueHog(string prefix)
    {
        var path = Path.Combine(_dir, Paths.UniqueName(prefix));
        File.Copy(Helpers.Hog, path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>What happened: who was killed (and its namespace), who triggered the kill.</summary>
    private sealed record OomKill(int Victim, string VictimComm, ulong VictimMntns, int Trigger, string TriggerComm);

    private OomKill RunOutOfMemory(MemoryCgroup cgroup)
    {
        var victimPath = UniqueHog("igv");
        var triggerPath = UniqueHog("igk");
        // The victim volunteers (raising oom_score_adj needs no privilege; lowering the
        // trigger's would need CAP_SYS_RESOURCE, which root here does not have).
        using var victim = Start(cgroup.Shell($"echo 1000 > /proc/self/oom_score_adj && exec unshare -m --propagation private {victimPath} 40 hold"));
        Assert.Equal("ready", victim.StandardOutput.ReadLine());
        var victimMntns = MountNamespace.Of(victim.Id);

        using var trigger = Start(cgroup.Shell($"exec {triggerPath} 40"));
        Assert.True(trigger.WaitForExit(OomTimeout), "the trigger did not get its memory");
        Assert.Equal(0, trigger.ExitCode);
        Assert.True(victim.WaitForExit(OomTimeout), "the victim was not killed");
        Assert.Equal(128 + 9, victim.ExitCode); // SIGKILL, seen through the shell's exit status convention
        return new OomKill(victim.Id, Path.GetFileName(victimPath), victimMntns, trigger.Id, Path.GetFileName(triggerPath));

        static Process Start(string[] command)
        {
            var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true };
            foreach (var arg in command[1..])
                start.ArgumentList.Add(arg);
            return Process.Start(start)!;
        }
    }

    [Fact]
    public void Reports_the_killed_process_in_its_own_namespace_and_the_process_that_triggered_it()
    {
        Requires.Root();
        using var cgroup = MemoryCgroup.Create(Limit);
        using var session = RunningGadget.Start(new OomkillGadget());

        var kill = RunOutOfMemory(cgroup);

        var e = session.WaitFor(e => e.Str("kcomm") == kill.VictimComm, "for the OOM kill", OomTimeout);
        Assert.Equal(kill.Victim, e.Num("kpid"));
        Assert.Equal(kill.Trigger, e.Num("tpid"));
        Assert.Equal(kill.TriggerComm, e.Str("tcomm"));
        Assert.Equal(Limit / Environment.SystemPageSize, e.Num("pages"));
        Assert.Equal(kill.VictimMntns, (ulong)e.Num("mountnsid"));
        Assert.NotEqual(MountNamespace.Own, kill.VictimMntns);
        Assert.Equal(0, e.Num("tuid"));
    }

    [Fact]
    public void The_namespace_filter_goes_by_the_killed_process_not_the_killer()
    {
        Requires.Root();
        using var cgroup = MemoryCgroup.Create(Limit);
        // Only the killer's namespace: the kill belongs to the victim's, so it is left out.
        var options = new Gadget.Runtime.RunOptions { MountNamespaceFilter = new FixedMountNamespaces(MountNamespace.Own) };
        using var session = RunningGadget.Start(new OomkillGadget(), options);

        var kill = RunOutOfMemory(cgroup);

        session.Stop();
        Assert.DoesNotContain(session.Records, e => e.Str("kcomm") == kill.VictimComm);
    }

    [Fact]
    public void An_OOM_kill_in_a_Docker_container_is_the_containers()
    {
        Requires.Root();
        var helpers = Path.GetDirectoryName(Helpers.Hog)!;
        using var container = DockerContainer.Run(dockerOptions: ["--memory", "64m", "--memory-swap", "64m", "-v", $"{helpers}:/igt-helpers:ro"]);
        using var session = RunningGadget.StartWithContainers(new OomkillGadget(), new Gadget.Containers.ContainerSelector { ContainerName = container.Name });
        using var unfiltered = RunningGadget.Start(new OomkillGadget());
        using var cgroup = MemoryCgroup.Create(Limit);

        // An OOM kill outside the container (host processes in a memory cgroup of their own).
        var hostKill = RunOutOfMemory(cgroup);
        // Allocates until the OOM killer, run by its own allocation, kills it.
        var result = Shell.TryRun("docker", null, OomTimeout, "exec", container.Name, "/igt-helpers/hog", "0");

        Assert.Equal(137, result.ExitCode);
        var e = session.WaitFor(e => e.Str("kcomm") == "hog", "for the OOM kill in the container", OomTimeout);
        Assert.Equal(container.Name, e.Str("runtime", "containerName"));
        Assert.Equal("docker", e.Str("runtime", "runtimeName"));
        Assert.Equal(session.Containers!.FindById(container.Id)!.MntnsId, (ulong)e.Num("mountnsid"));
        Assert.Equal("hog", e.Str("tcomm"));
        Assert.Equal(e.Num("kpid"), e.Num("tpid"));
        Assert.Equal((64L << 20) / Environment.SystemPageSize, e.Num("pages"));
        // The host's kill happened (the unfiltered run saw it) and -c kept it out.
        unfiltered.WaitFor(e => e.Str("kcomm") == hostKill.VictimComm, "for the host's OOM kill, unfiltered", OomTimeout);
        session.Stop();
        Assert.DoesNotContain(session.Records, r => r.Str("kcomm") == hostKill.VictimComm || r.Num("kpid") == hostKill.Victim);
        Assert.All(session.Records.Where(r => r.IsEvent()), r => Assert.Equal(container.Name, r.Str("runtime", "containerName")));
    }
}
