using System.Text.Json;
using Gadget.Containers;
using Gadget.Gadgets.Trace.Fsslower;
using Gadget.Gadgets.Trace.Oomkill;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Containers;

/// <summary>trace oomkill and trace fsslower in pod containers: a memory limit the pod's
/// container runs into, and file I/O on the pod's overlay root file system.</summary>
public sealed partial class ProcessPodAttributionTests
{
    private const long MemoryLimit = 32L << 20;
    private static readonly TimeSpan OomTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A pod container limited to 32 MiB, with a copy of the hog helper at /host.</summary>
    private string StartLimitedContainer(CriPod pod, string container)
    {
        var (dir, hog) = HelperCopy(Helpers.Hog, "igh");
        pod.StartContainer(container, new CriContainerOptions { Mounts = [(dir, "/host")], MemoryLimitBytes = MemoryLimit });
        return hog;
    }

    /// <summary>Allocates in the container until the OOM killer, run by its own allocation, kills it.</summary>
    private static void RunOutOfMemory(CriPod pod, string container, string hog) =>
        Assert.Equal(128 + 9, pod.TryExec(container, "/host/" + hog, "0").ExitCode); // SIGKILL

    [Fact]
    public void Trace_oomkill_sees_a_pod_container_killed_at_its_memory_limit_as_the_pods()
    {
        Requires.Root();
        using var pod = CriPod.Run();
        var hog = StartLimitedContainer(pod, "app");
        using var session = RunningGadget.StartWithContainers(new OomkillGadget(), new ContainerSelector { PodName = pod.Name });

        RunOutOfMemory(pod, "app", hog);

        var e = session.WaitFor(e => e.Str("kcomm") == hog, "for the OOM kill in the pod", OomTimeout);
        Assert.Equal(hog, e.Str("tcomm"));
        Assert.Equal(e.Num("kpid"), e.Num("tpid"));
        Assert.NotEqual(pod.ContainerPid("app"), e.Num("kpid")); // the exec'd hog, not the container's init
        Assert.Equal(MemoryLimit / Environment.SystemPageSize, e.Num("pages"));
        AssertPod(e, pod, "app");
    }

    [Fact]
    public void Trace_oomkill_with_another_namespace_selected_leaves_the_pods_kill_out()
    {
        Requires.Root();
        using var pod = CriPod.Run(ns: UniqueNamespace());
        var hog = StartLimitedContainer(pod, "app");
        using var other = CriPod.Run(ns: UniqueNamespace());
        var otherHog = StartLimitedContainer(other, "app");
        using var session = RunningGadget.StartWithContainers(new OomkillGadget(), new ContainerSelector { Namespace = other.Namespace });

        RunOutOfMemory(pod, "app", hog);
        RunOutOfMemory(other, "app", otherHog);

        var seen = session.WaitFor(e => e.Str("kcomm") == otherHog, "for the selected namespace's OOM kill", OomTimeout);
        AssertPod(seen, other, "app");
        AssertLeftOut(session, pod, "app", other);
        Assert.DoesNotContain(session.Records, e => e.Str("kcomm") == hog);
    }

    private const int DdBlocks = 16, DdBlockSize = 64 << 10;

    /// <summary>dd writes a new file in the container's root (its overlay), then syncs it.</summary>
    private static void WriteFileInPod(CriPod pod, string container, string name) =>
        pod.Exec(container, "dd", "if=/dev/zero", $"of=/{name}", $"bs={DdBlockSize}", $"count={DdBlocks}", "conv=fsync");

    private static RunningGadget StartFsslower(ContainerSelector selector) =>
        RunningGadget.StartWithContainers(new FsslowerGadget(), selector, ("filesystem", "overlay"), ("min", "0"));

    private static List<JsonElement> FileEvents(RunningGadget session, string name) =>
        session.Records.Where(r => r.IsEvent() && r.Str("file") == name).ToList();

    [Fact]
    public void Trace_fsslower_sees_io_on_a_pod_containers_overlay_root_as_the_pods()
    {
        Requires.Root();
        using var pod = CriPod.Run();
        pod.StartContainer("app");
        using var session = StartFsslower(new ContainerSelector { PodName = pod.Name });
        var name = Paths.UniqueName("igt-f");

        WriteFileInPod(pod, "app", name);

        session.WaitFor(_ => FileEvents(session, name).Count >= DdBlocks + 2, "for the open, the writes and the fsync");
        session.Stop();
        var events = FileEvents(session, name);
        Assert.Equal(["O", .. Enumerable.Repeat("W", DdBlocks), "F"], events.Select(e => e.Str("op")!));
        Assert.Equal(0, events[0].Num("bytes"));
        for (var i = 0; i < DdBlocks; i++)
        {
            Assert.Equal(DdBlockSize, events[1 + i].Num("bytes"));
            Assert.Equal((long)i * DdBlockSize, events[1 + i].Num("offset"));
        }
        Assert.Equal(long.MaxValue, events[^1].Num("bytes")); // fsync: the whole file
        Assert.All(events, e =>
        {
            Assert.Equal("dd", e.Str("comm"));
            Assert.True(e.Num("latency") >= 0);
            AssertPod(e, pod, "app");
        });
    }

    [Fact]
    public void Trace_fsslower_with_another_pods_labels_selected_leaves_the_pods_io_out()
    {
        Requires.Root();
        var label = Paths.UniqueName("igt-app-");
        using var pod = CriPod.Run(labels: new Dictionary<string, string> { ["app"] = "igt-unselected" });
        pod.StartContainer("app");
        using var other = CriPod.Run(labels: new Dictionary<string, string> { ["app"] = label });
        other.StartContainer("app");
        using var session = StartFsslower(new ContainerSelector { Labels = new Dictionary<string, string> { ["app"] = label } });
        var name = Paths.UniqueName("igt-f");

        WriteFileInPod(pod, "app", name);
        WriteFileInPod(other, "app", name);

        session.WaitFor(_ => FileEvents(session, name).Count >= DdBlocks + 2, "for the selected pod's file operations");
        AssertPod(FileEvents(session, name)[0], other, "app");
        AssertLeftOut(session, pod, "app", other);
        Assert.Equal(DdBlocks + 2, FileEvents(session, name).Count);
    }
}
