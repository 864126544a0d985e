using Gadget.Containers;
using Gadget.Gadgets.Trace.Exec;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Containers;

/// <summary>Pods made through the CRI API (as a kubelet would): events carry namespace, pod
/// and container, and the pod filters select exactly what they name.</summary>
public sealed class CriAttributionTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "igtest-web", ["tier"] = "front" };

    [Fact]
    public void Execs_in_each_container_of_a_pod_carry_the_pod_and_container()
    {
        Requires.Root();
        using var pod = CriPod.Run(labels: Labels);
        pod.StartContainer("web");
        pod.StartContainer("sidecar");
        using var session = RunningGadget.StartWithContainers(new ExecGadget(), new ContainerSelector());
        var marker = Paths.UniqueName("m");

        pod.Exec("web", "/bin/echo", marker, "web");
        pod.Exec("sidecar", "/bin/echo", marker, "sidecar");

        var web = session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker, "web"]), "for the exec in web");
        Assert.Equal("containerd", web.Str("runtime", "runtimeName"));
        Assert.Equal(pod.ContainerId("web"), web.Str("runtime", "containerId"));
        Assert.Equal("igtest", web.Str("k8s", "namespace"));
        Assert.Equal(pod.Name, web.Str("k8s", "podName"));
        Assert.Equal("web", web.Str("k8s", "containerName"));
        Assert.Equal("igtest-web", web.GetProperty("k8s").GetProperty("podLabels").GetProperty("app").GetString());
        var sidecar = session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker, "sidecar"]), "for the exec in sidecar");
        Assert.Equal("sidecar", sidecar.Str("k8s", "containerName"));
        Assert.Equal(pod.Name, sidecar.Str("k8s", "podName"));
    }

    [Fact]
    public void Pod_namespace_label_and_container_filters_select_exactly()
    {
        Requires.Root();
        using var pod = CriPod.Run(labels: Labels);
        pod.StartContainer("web");
        pod.StartContainer("sidecar");
        using var other = CriPod.Run(ns: "igtest-other", labels: new Dictionary<string, string> { ["app"] = "other" });
        other.StartContainer("web");
        var marker = Paths.UniqueName("m");

        void Trigger()
        {
            pod.Exec("web", "/bin/echo", marker, "pod-web");
            pod.Exec("sidecar", "/bin/echo", marker, "pod-sidecar");
            other.Exec("web", "/bin/echo", marker, "other-web");
        }

        Check(new ContainerSelector { PodName = pod.Name }, ["pod-web", "pod-sidecar"]);
        Check(new ContainerSelector { Namespace = "igtest-other" }, ["other-web"]);
        Check(new ContainerSelector { Labels = ContainerSelector.ParseLabels("app=igtest-web,tier=front") }, ["pod-web", "pod-sidecar"]);
        Check(new ContainerSelector { PodName = pod.Name, ContainerName = "sidecar" }, ["pod-sidecar"]);
        Check(new ContainerSelector { ContainerName = "web" }, ["pod-web", "other-web"]);

        void Check(ContainerSelector selector, string[] expected)
        {
            using var session = RunningGadget.StartWithContainers(new ExecGadget(), selector);
            Trigger();
            foreach (var word in expected)
                session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker, word]), $"{word} with {selector.Describe()}");
            session.Stop();
            var seen = session.Records.Where(e => e.Strings("args").FirstOrDefault() == "/bin/echo" && e.Strings("args").Contains(marker))
                .Select(e => e.Strings("args")[2]).Distinct().Order().ToArray();
            Assert.Equal(expected.Order().ToArray(), seen);
        }
    }

    [Fact]
    public void The_first_exec_of_a_pod_container_started_after_the_gadget_is_attributed()
    {
        Requires.Root();
        using var pod = CriPod.Run(labels: Labels);
        using var session = RunningGadget.StartWithContainers(new ExecGadget(), new ContainerSelector { Labels = ContainerSelector.ParseLabels("app=igtest-web") });
        var marker = Paths.UniqueName("m");

        pod.StartContainer("late", "/bin/echo", marker);

        var e = session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker]), "for the first exec of the new container");
        Assert.Equal("late", e.Str("k8s", "containerName"));
        Assert.Equal(pod.Name, e.Str("k8s", "podName"));
    }

    [Fact]
    public void A_ctr_container_is_attributed_through_containerds_own_api()
    {
        Requires.Root();
        using var container = CtrContainer.Run();
        using var session = RunningGadget.StartWithContainers(new ExecGadget(), new ContainerSelector { ContainerName = container.Id });
        var marker = Paths.UniqueName("m");

        container.Exec("/bin/echo", marker);

        var e = session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker]), "for the exec in the ctr container");
        Assert.Equal("containerd", e.Str("runtime", "runtimeName"));
        Assert.Equal(container.Id, e.Str("runtime", "containerName"));
        Assert.Null(e.Str("k8s", "podName"));
    }

    [Fact]
    public void A_ctr_container_started_after_the_gadget_has_its_first_exec_attributed()
    {
        Requires.Root();
        using var session = RunningGadget.StartWithContainers(new ExecGadget(), new ContainerSelector());
        var marker = Paths.UniqueName("m");

        using var container = CtrContainer.Run(null, "/bin/echo", marker);

        var e = session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker]), "for the first exec of the ctr container");
        Assert.Equal(container.Id, e.Str("runtime", "containerName"));
    }

    [Fact]
    public void Pod_containers_get_their_mounts_memory_limit_and_capabilities()
    {
        Requires.Root();
        var dir = Paths.NewTempDirectory();
        try
        {
            File.WriteAllText(Path.Combine(dir, "hello"), "from the host");
            using var pod = CriPod.Run();
            pod.StartContainer("tool", new CriContainerOptions
            {
                Mounts = [(dir, "/host")],
                MemoryLimitBytes = 64 * 1024 * 1024,
                AddCapabilities = ["SYS_ADMIN"],
            });

            Assert.Equal("from the host", pod.Exec("tool", "cat", "/host/hello"));
            Assert.Equal("67108864", pod.Exec("tool", "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes").Trim());
            Assert.Contains("CapEff:\t00000000a82425fb", pod.Exec("tool", "grep", "CapEff", "/proc/self/status"));
            Assert.True(pod.ContainerPid("tool") > 1);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
