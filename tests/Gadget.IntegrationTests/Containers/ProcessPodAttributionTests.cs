using System.Text.Json;
using Gadget.Containers;
using Gadget.Gadgets.Trace.Capabilities;
using Gadget.Gadgets.Trace.Mount;
using Gadget.Gadgets.Trace.Signal;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Containers;

/// <summary>trace signal, mount, oomkill, capabilities and fsslower in pods made through the
/// CRI API (as a kubelet would): each event, triggered inside a pod container, carries the
/// pod's namespace, name and container, the runtime and the container's mount namespace; and
/// a pod filter that names another pod, namespace, label or container leaves it out (the
/// selected pod's own event, triggered after it, shows the session was listening).</summary>
public sealed partial class ProcessPodAttributionTests : OwningTest
{
    private const int EPERM = 1;



    /// <summary>The event is the pod container's: Kubernetes fields from the CRI labels, the
    /// runtime, and the mount namespace the host sees for the container's init.</summary>
    private static void AssertPod(JsonElement e, CriPod pod, string container)
    {
        Assert.Equal("containerd", e.Str("runtime", "runtimeName"));
        Assert.Equal(pod.ContainerId(container), e.Str("runtime", "containerId"));
        Assert.Equal(pod.Namespace, e.Str("k8s", "namespace"));
        Assert.Equal(pod.Name, e.Str("k8s", "podName"));
        Assert.Equal(container, e.Str("k8s", "containerName"));
        Assert.Equal(MountNamespace.Of(pod.ContainerPid(container)), (ulong)e.Num("mountnsid"));
    }

    /// <summary>Nothing of the left-out container came through; every event is the selected pod's.</summary>
    private static void AssertLeftOut(RunningGadget session, CriPod leftOut, string container, CriPod selected)
    {
        session.Stop();
        var mntns = MountNamespace.Of(leftOut.ContainerPid(container));
        var events = session.Records.Where(r => r.IsEvent()).ToList();
        Assert.DoesNotContain(events, e => (ulong)e.Num("mountnsid") == mntns);
        Assert.All(events, e => Assert.Equal(selected.Name, e.Str("k8s", "podName")));
    }

    /// <summary>A copy of a static helper under a unique name (its comm), alone in a directory
    /// of its own to mount at /host in a pod container; removed with the test.</summary>
    private (string Dir, string Name) HelperCopy(string helper, string prefix)
    {
        var dir = OwnTempDirectory();
        var name = Paths.UniqueName(prefix);
        File.Copy(helper, Path.Combine(dir, name));
        File.SetUnixFileMode(Path.Combine(dir, name), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return (dir, name);
    }

    /// <summary>A namespace no other test uses, for pods a namespace filter must tell apart.</summary>
    private static string UniqueNamespace() => Paths.UniqueName("igt-ns-");

    /// <summary>The sh in the container signals a child (sleep) it started, then the container's
    /// init (which, as init of its pid namespace, ignores it); the child's death sends SIGCHLD.</summary>
    private static void SignalInPod(CriPod pod, string container) =>
        pod.Exec(container, "sh", "-c", "sleep 100 & kill -USR1 $!; wait; kill -USR2 1");

    [Fact]
    public void Trace_signal_sees_signals_sent_in_a_pod_container_as_the_pods()
    {
        Requires.Root();
        using var pod = CriPod.Run();
        pod.StartContainer("app");
        var init = pod.ContainerPid("app");
        using var session = RunningGadget.StartWithContainers(new SignalGadget(), new ContainerSelector { PodName = pod.Name });

        SignalInPod(pod, "app");

        var toInit = session.WaitFor(e => e.Str("signal") == "SIGUSR2", "for the kill of the container's init");
        Assert.Equal(init, toInit.Num("tpid")); // pids as the host sees them
        Assert.Equal("sh", toInit.Str("comm"));
        Assert.Equal(0, toInit.Num("ret"));
        AssertPod(toInit, pod, "app");
        var toChild = session.WaitFor(e => e.Str("signal") == "SIGUSR1" && e.Str("comm") == "sh", "for the kill of the child");
        Assert.Equal(toInit.Num("pid"), toChild.Num("pid"));
        Assert.NotEqual(init, toChild.Num("tpid"));
        Assert.Equal(0, toChild.Num("ret"));
        AssertPod(toChild, pod, "app");
        // Sent by the kernel as the child died, after it left its namespaces: from the child
        // to the shell, and still the container's.
        var chld = session.WaitFor(e => e.Str("signal") == "SIGCHLD" && e.Num("pid") == toChild.Num("tpid"), "for the child's SIGCHLD");
        Assert.Equal(toChild.Num("pid"), chld.Num("tpid"));
        AssertPod(chld, pod, "app");
    }

    [Fact]
    public void Trace_signal_with_another_pod_selected_leaves_the_pods_signals_out()
    {
        Requires.Root();
        using var pod = CriPod.Run();
        pod.StartContainer("app");
        using var other = CriPod.Run();
        other.StartContainer("app");
        using var session = RunningGadget.StartWithContainers(new SignalGadget(), new ContainerSelector { PodName = other.Name });

        SignalInPod(pod, "app");
        SignalInPod(other, "app");

        var seen = session.WaitFor(e => e.Str("signal") == "SIGUSR2", "for the selected pod's kill");
        AssertPod(seen, other, "app");
        AssertLeftOut(session, pod, "app", other);
    }

    [Fact]
    public void Trace_mount_sees_allowed_and_refused_mounts_in_pod_containers_as_the_pods()
    {
        Requires.Root();
        using var pod = CriPod.Run();
        pod.StartContainer("admin", new CriContainerOptions { AddCapabilities = ["SYS_ADMIN"] });
        pod.StartContainer("plain");
        using var session = RunningGadget.StartWithContainers(new MountGadget(), new ContainerSelector { PodName = pod.Name });
        var allowed = Paths.UniqueName("igt-src");
        var refused = Paths.UniqueName("igt-src");

        // The busybox image has no /mnt: without a mount point, the kernel would fail the call
        // with ENOENT before it checks the capability.
        var mounted = pod.TryExec("admin", "sh", "-c", $"mkdir /mnt && mount -t tmpfs -o size=1m {allowed} /mnt");
        var notMounted = pod.TryExec("plain", "sh", "-c", $"mkdir /mnt && mount -t tmpfs {refused} /mnt");

        Assert.True(mounted.ExitCode == 0, $"mount with CAP_SYS_ADMIN failed: {mounted.Stderr}");
        Assert.Contains("permission denied", notMounted.Stderr); // busybox words EPERM so
        var ok = session.WaitFor(e => e.Str("source") == allowed, "for the mount with CAP_SYS_ADMIN");
        Assert.Equal("mount", ok.Str("operation"));
        Assert.Equal("mount", ok.Str("comm"));
        Assert.Equal("/mnt", ok.Str("target"));
        Assert.Equal("tmpfs", ok.Str("fs"));
        Assert.Equal("size=1m", ok.Str("data"));
        Assert.Equal(0, ok.Num("ret"));
        Assert.InRange(ok.Num("latency"), 1, 5_000_000_000);
        AssertPod(ok, pod, "admin");
        var denied = session.WaitFor(e => e.Str("source") == refused, "for the mount without CAP_SYS_ADMIN");
        Assert.Equal(-EPERM, denied.Num("ret"));
        Assert.Equal("/mnt", denied.Str("target"));
        Assert.Equal("tmpfs", denied.Str("fs"));
        AssertPod(denied, pod, "plain");
    }

    [Fact]
    public void Trace_mount_with_another_namespace_selected_leaves_the_pods_mounts_out()
    {
        Requires.Root();
        using var pod = CriPod.Run(ns: UniqueNamespace());
        pod.StartContainer("plain");
        using var other = CriPod.Run(ns: UniqueNamespace());
        other.StartContainer("plain");
        using var session = RunningGadget.StartWithContainers(new MountGadget(), new ContainerSelector { Namespace = other.Namespace });
        var source = Paths.UniqueName("igt-src");

        pod.TryExec("plain", "sh", "-c", $"mkdir /mnt && mount -t tmpfs {source} /mnt");
        other.TryExec("plain", "sh", "-c", $"mkdir /mnt && mount -t tmpfs {source} /mnt");

        var seen = session.WaitFor(e => e.Str("source") == source, "for the selected namespace's mount");
        AssertPod(seen, other, "plain");
        AssertLeftOut(session, pod, "plain", other);
    }

    /// <summary>Root in the container makes a file and gives it away: CAP_CHOWN, checked and audited.</summary>
    private static CriExecResult ChownInPod(CriPod pod, string container) =>
        pod.TryExec(container, "sh", "-c", "echo x > /tmp/f && chown 1 /tmp/f");

    [Fact]
    public void Trace_capabilities_sees_allowed_and_denied_checks_in_pod_containers_as_the_pods()
    {
        Requires.Root();
        using var pod = CriPod.Run();
        pod.StartContainer("app");
        pod.StartContainer("nochown", new CriContainerOptions { DropCapabilities = ["CHOWN"] });
        using var session = RunningGadget.StartWithContainers(new CapabilitiesGadget(), new ContainerSelector { PodName = pod.Name });

        var allowedRun = ChownInPod(pod, "app");
        var deniedRun = ChownInPod(pod, "nochown");

        Assert.True(allowedRun.ExitCode == 0, $"chown with CAP_CHOWN failed: {allowedRun.Stderr}");
        Assert.Contains("Operation not permitted", deniedRun.Stderr);
        var allowed = session.WaitFor(e => e.Str("comm") == "chown" && e.Str("capName") == "CHOWN" && e.Str("k8s", "containerName") == "app",
            "for the allowed chown");
        Assert.Equal("Allow", allowed.Str("verdict"));
        Assert.Equal("chown", allowed.Str("syscall")); // busybox calls chown(2)
        Assert.Equal(0, allowed.Num("cap"));
        Assert.Equal(1, allowed.Num("audit"));
        Assert.Contains("chown", allowed.Strings("capsNames"));
        AssertPod(allowed, pod, "app");
        var denied = session.WaitFor(e => e.Str("comm") == "chown" && e.Str("capName") == "CHOWN" && e.Str("k8s", "containerName") == "nochown",
            "for the denied chown");
        Assert.Equal("Deny", denied.Str("verdict"));
        Assert.Equal("chown", denied.Str("syscall"));
        Assert.DoesNotContain("chown", denied.Strings("capsNames"));
        Assert.Contains("kill", denied.Strings("capsNames"));
        AssertPod(denied, pod, "nochown");
    }

    [Fact]
    public void Trace_capabilities_with_another_container_of_the_pod_selected_leaves_the_containers_checks_out()
    {
        Requires.Root();
        using var pod = CriPod.Run();
        pod.StartContainer("app");
        pod.StartContainer("side");
        using var session = RunningGadget.StartWithContainers(new CapabilitiesGadget(), new ContainerSelector { PodName = pod.Name, ContainerName = "side" });

        ChownInPod(pod, "app");
        ChownInPod(pod, "side");

        var seen = session.WaitFor(e => e.Str("comm") == "chown" && e.Str("capName") == "CHOWN", "for the selected container's chown");
        AssertPod(seen, pod, "side");
        AssertLeftOut(session, pod, "app", pod);
        Assert.All(session.Records.Where(r => r.IsEvent()), e => Assert.Equal("side", e.Str("k8s", "containerName")));
    }
}
