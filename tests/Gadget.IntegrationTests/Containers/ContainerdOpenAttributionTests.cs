using Gadget.Containers;
using Gadget.Gadgets.Trace.Open;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Containers;

/// <summary>trace open in containerd's containers, pods (CRI) and `ctr` ones (native API):
/// each open carries its container, and the selection keeps exactly what it names.</summary>
public sealed class ContainerdOpenAttributionTests : OwningTest
{

    [Fact]
    public void Opens_in_a_pod_are_attributed_and_pod_namespace_and_label_filters_select_exactly()
    {
        Requires.Root();
        using var pod = CriPod.Run(labels: new Dictionary<string, string> { ["app"] = "igtest-open" });
        pod.StartContainer("web");
        using var other = CriPod.Run(ns: "igtest-other", labels: new Dictionary<string, string> { ["app"] = "other" });
        other.StartContainer("web");
        var marker = "/" + Paths.UniqueName("open");

        void Trigger()
        {
            pod.TryExec("web", "cat", marker + "-pod");
            other.TryExec("web", "cat", marker + "-other");
        }

        var inPod = Check(new ContainerSelector { PodName = pod.Name }, ["-pod"]);
        Assert.Equal("containerd", inPod.Str("runtime", "runtimeName"));
        Assert.Equal(pod.ContainerId("web"), inPod.Str("runtime", "containerId"));
        Assert.Equal("igtest", inPod.Str("k8s", "namespace"));
        Assert.Equal(pod.Name, inPod.Str("k8s", "podName"));
        Assert.Equal("web", inPod.Str("k8s", "containerName"));
        Assert.Equal(2, inPod.Num("err")); // ENOENT
        Assert.Equal("cat", inPod.Str("comm"));

        var inOther = Check(new ContainerSelector { Namespace = "igtest-other" }, ["-other"]);
        Assert.Equal(other.Name, inOther.Str("k8s", "podName"));
        Check(new ContainerSelector { Labels = ContainerSelector.ParseLabels("app=igtest-open") }, ["-pod"]);
        Check(new ContainerSelector { ContainerName = "web" }, ["-pod", "-other"]);

        System.Text.Json.JsonElement Check(ContainerSelector selector, string[] expected)
        {
            using var session = RunningGadget.StartWithContainers(new OpenGadget(), selector);
            Trigger();
            var first = session.WaitFor(e => e.Str("path") == marker + expected[0], $"{expected[0]} with {selector.Describe()}");
            foreach (var suffix in expected[1..])
                session.WaitFor(e => e.Str("path") == marker + suffix, $"{suffix} with {selector.Describe()}");
            session.Stop();
            var seen = session.Records.Select(e => e.Str("path")).Where(p => p is not null && p.StartsWith(marker, StringComparison.Ordinal))
                .Select(p => p![marker.Length..]).Distinct().Order().ToArray();
            Assert.Equal(expected.Order().ToArray(), seen);
            return first;
        }
    }

    [Fact]
    public void Opens_in_a_ctr_container_are_attributed_and_other_containers_stay_out()
    {
        Requires.Root();
        using var wanted = CtrContainer.Run();
        using var other = CtrContainer.Run();
        using var session = RunningGadget.StartWithContainers(new OpenGadget(), new ContainerSelector { ContainerName = wanted.Id });
        var marker = "/" + Paths.UniqueName("open");

        Shell.TryRun("ctr", null, TimeSpan.FromSeconds(30), "-n", CtrContainer.Namespace, "task", "exec", "--exec-id", Paths.UniqueName("x"), other.Id, "cat", marker + "-other");
        Shell.TryRun("ctr", null, TimeSpan.FromSeconds(30), "-n", CtrContainer.Namespace, "task", "exec", "--exec-id", Paths.UniqueName("x"), wanted.Id, "cat", marker + "-wanted");
        wanted.Exec("cat", "/etc/passwd");

        var missing = session.WaitFor(e => e.Str("path") == marker + "-wanted", "for the failed open in the ctr container");
        Assert.Equal("containerd", missing.Str("runtime", "runtimeName"));
        Assert.Equal(wanted.Id, missing.Str("runtime", "containerName"));
        Assert.Equal(2, missing.Num("err"));
        var found = session.WaitFor(e => e.Str("path") == "/etc/passwd" && e.Str("comm") == "cat", "for the open of /etc/passwd");
        Assert.True(found.Num("fd") >= 0);
        Assert.Equal(0, found.Num("err"));
        session.Stop();
        Assert.DoesNotContain(session.Records, e => e.Str("path") == marker + "-other");
        Assert.All(session.Records.Where(r => r.IsEvent()), e => Assert.Equal(wanted.Id, e.Str("runtime", "containerName")));
    }
}
