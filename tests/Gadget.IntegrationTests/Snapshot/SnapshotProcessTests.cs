using System.Globalization;
using System.Text.Json;
using Gadget.Containers;
using Gadget.Gadgets.Snapshot.Process;
using Gadget.IntegrationTests.Infrastructure;
using static Gadget.IntegrationTests.Infrastructure.PodNetwork;

namespace Gadget.IntegrationTests.Snapshot;

/// <summary>snapshot process against containers of every kind (Docker, ctr, a CRI pod): the
/// selected container's processes exactly (as /proc lists them), its init included, with their
/// ids, parent, user and container fields, sorted as the reference sorts them; nothing of the
/// other containers or of the host.</summary>
public sealed class SnapshotProcessTests : OwningTest
{
    /// <summary>sh (the container's init) with a sleep and the snapshot helper, which has a
    /// second thread named "worker".</summary>
    private static readonly string[] Workload = ["sh", "-c", "sleep 600 & /host/snapshot threads & wait"];

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Runs the snapshot to its end and returns its one frame's rows.</summary>
    private static List<JsonElement> Snapshot(ContainerSelector selector, bool threads = false)
    {
        using var run = RunningGadget.StartWithContainers(new ProcessGadget(), selector, (ProcessGadget.Threads, threads ? "true" : "false"));
        var summary = run.WaitForEnd();
        var frame = Assert.Single(run.Frames);
        Assert.Equal(1ul, summary.Frames);
        return [.. frame.EnumerateArray()];
    }

    /// <summary>Waits until the workload of a container runs whole: sh, sleep, and the helper with its worker thread.</summary>
    private static ulong WaitForWorkload(int initPid)
    {
        var mntns = MountNamespace.Of(initPid);
        Poll.Until(() => ProcTask.InMountNamespace(mntns, threads: true).Select(t => t.Comm).SequenceEqual(["sh", "sleep", "snapshot", "worker"]),
            $"the workload of the container of pid {initPid}");
        return mntns;
    }

    /// <summary>The rows are exactly the tasks /proc has in the mount namespace, in the snapshot's order.</summary>
    private static void AssertExactly(List<JsonElement> rows, ulong mntns, bool threads)
    {
        Assert.Equal(ProcTask.InMountNamespace(mntns, threads), rows.Select(ProcTask.Of));
        Assert.All(rows, r => Assert.Equal(mntns, (ulong)r.Num("mountnsid")));
    }

    [Fact]
    public void A_docker_containers_processes_are_listed_exactly_with_their_init_user_and_container()
    {
        Requires.Root();
        var helpers = Path.GetDirectoryName(Helpers.Snapshot)!;
        var container = Own(DockerContainer.Run(command: Workload, dockerOptions: ["--user", "1234:5678", "-v", $"{helpers}:/host:ro"]));
        var other = Own(DockerContainer.Run(command: Workload, dockerOptions: ["-v", $"{helpers}:/host:ro"]));
        var mntns = WaitForWorkload(container.Pid);
        WaitForWorkload(other.Pid);

        var rows = Snapshot(new ContainerSelector { ContainerName = container.Name });

        AssertExactly(rows, mntns, threads: false);
        Assert.Equal(["sh", "sleep", "snapshot"], rows.Select(r => r.Str("comm")));
        // The init is pid 1 in the container, not on the host: listed by its host pid, its parent the shim.
        var init = rows.Single(r => r.Str("comm") == "sh");
        Assert.Equal(container.Pid, init.Num("pid"));
        Assert.Equal(container.Pid, init.Num("tid"));
        Assert.Equal(ProcTask.Read(container.Pid, container.Pid).Ppid, init.Num("ppid"));
        Assert.All(rows.Where(r => r.Str("comm") != "sh"), r => Assert.Equal(container.Pid, r.Num("ppid")));
        foreach (var row in rows)
        {
            Assert.Equal((1234, 5678), (row.Num("uid"), row.Num("gid")));
            Assert.Equal("docker", row.Str("runtime", "runtimeName"));
            Assert.Equal(container.Name, row.Str("runtime", "containerName"));
            Assert.Equal(container.Id, row.Str("runtime", "containerId"));
            Assert.Equal("normal", row.Str("type"));
        }
        Assert.DoesNotContain(rows, r => r.Num("pid") == other.Pid);
    }

    [Fact]
    public void Threads_are_listed_with_their_own_ids_and_names()
    {
        Requires.Root();
        var helpers = Path.GetDirectoryName(Helpers.Snapshot)!;
        var container = Own(DockerContainer.Run(command: Workload, dockerOptions: ["-v", $"{helpers}:/host:ro"]));
        var mntns = WaitForWorkload(container.Pid);

        var rows = Snapshot(new ContainerSelector { ContainerName = container.Name }, threads: true);

        AssertExactly(rows, mntns, threads: true);
        var helper = rows.Single(r => r.Str("comm") == "snapshot");
        var worker = rows.Single(r => r.Str("comm") == "worker");
        Assert.Equal(helper.Num("pid"), helper.Num("tid"));
        Assert.Equal(helper.Num("pid"), worker.Num("pid"));
        Assert.NotEqual(worker.Num("pid"), worker.Num("tid"));
        Assert.Equal(helper.Num("ppid"), worker.Num("ppid"));
        Assert.Equal(Text((int)worker.Num("pid")), File.ReadAllText($"/proc/{worker.Num("tid")}/status").Split('\n').Single(l => l.StartsWith("Tgid:", StringComparison.Ordinal))[5..].Trim());
    }

    [Fact]
    public void A_ctr_containers_processes_are_listed_exactly_and_no_other_containers()
    {
        Requires.Root();
        var container = Own(CtrContainer.Run(null, "sh", "-c", "sleep 600 & sleep 601 & wait"));
        var other = Own(CtrContainer.Run(null, "sh", "-c", "sleep 602 & wait"));
        var mntns = MountNamespace.Of(container.Pid);
        Poll.Until(() => ProcTask.InMountNamespace(mntns, false).Count == 3, "sh and its two sleeps");
        Poll.Until(() => ProcTask.InMountNamespace(MountNamespace.Of(other.Pid), false).Count == 2, "the other container's sh and sleep");

        var rows = Snapshot(new ContainerSelector { ContainerName = container.Id });

        AssertExactly(rows, mntns, threads: false);
        Assert.Equal(["sh", "sleep", "sleep"], rows.Select(r => r.Str("comm")));
        Assert.Equal(container.Pid, rows[0].Num("pid"));
        Assert.All(rows, r => Assert.Equal(("containerd", container.Id, 0L, 0L), (r.Str("runtime", "runtimeName"), r.Str("runtime", "containerName"), r.Num("uid"), r.Num("gid"))));
        Assert.True(rows[1].Num("pid") < rows[2].Num("pid"), "equal names go by pid");
    }

    [Fact]
    public void A_pods_containers_are_listed_container_by_container_and_a_container_filter_keeps_one()
    {
        Requires.Root();
        _ = Helpers.Snapshot;
        var pod = Own(CriPod.Run(labels: new Dictionary<string, string> { ["app"] = "snap" }));
        pod.StartContainer("main", WithHelpers, Workload);
        pod.StartContainer("side", WithHelpers, "sleep", "600");
        var other = Own(CriPod.Run());
        other.StartContainer("main", WithHelpers, "sleep", "600");
        var mainMntns = WaitForWorkload(pod.ContainerPid("main"));
        var sideMntns = MountNamespace.Of(pod.ContainerPid("side"));

        var both = Snapshot(new ContainerSelector { PodName = pod.Name });
        var main = Snapshot(new ContainerSelector { PodName = pod.Name, ContainerName = "main" });

        // Sorted by container first: main's rows, then side's.
        Assert.Equal([.. ProcTask.InMountNamespace(mainMntns, false), .. ProcTask.InMountNamespace(sideMntns, false)], both.Select(ProcTask.Of));
        Assert.Equal(["main", "main", "main", "side"], both.Select(r => r.Str("k8s", "containerName")));
        AssertExactly(main, mainMntns, threads: false);
        Assert.Equal(pod.ContainerPid("main"), main.Single(r => r.Str("comm") == "sh").Num("pid"));
        foreach (var row in main)
        {
            Assert.Equal(("containerd", pod.ContainerId("main")), (row.Str("runtime", "runtimeName"), row.Str("runtime", "containerId")));
            Assert.Equal((pod.Namespace, pod.Name, "main"), (row.Str("k8s", "namespace"), row.Str("k8s", "podName"), row.Str("k8s", "containerName")));
            Assert.Equal("snap", row.GetProperty("k8s").GetProperty("podLabels").GetProperty("app").GetString());
        }
        Assert.DoesNotContain(both, r => r.Num("pid") == other.ContainerPid("main"));
    }

    [Fact]
    public void With_host_the_host_processes_come_too_and_the_init_the_iterator_skips_is_among_them()
    {
        Requires.Root();

        var rows = Snapshot(new ContainerSelector { IncludeHost = true });

        var init = rows.Single(r => r.Num("pid") == 1);
        Assert.Equal(ProcTask.Read(1, 1), ProcTask.Of(init));
        Assert.Null(init.Str("runtime", "containerName"));
        var self = rows.Single(r => r.Num("pid") == Environment.ProcessId);
        Assert.Equal(ProcTask.Read(Environment.ProcessId, Environment.ProcessId), ProcTask.Of(self));
    }
}
