using System.Globalization;
using System.Text.Json;
using Gadget.Containers.Cri.V1;
using Gadget.Containers.Runtimes;
using Gadget.IntegrationTests.Infrastructure;
using Grpc.Net.Client;

namespace Gadget.IntegrationTests.Containers;

/// <summary>`ig list-containers` and the container flags of the binary, against real runtimes.</summary>
public sealed class ListContainersTests
{
    [Fact]
    public void Lists_every_field_of_docker_ctr_and_cri_containers_in_json()
    {
        Requires.Root();
        using var docker = DockerContainer.Run();
        using var ctr = CtrContainer.Run();
        using var pod = CriPod.Run(labels: new Dictionary<string, string> { ["app"] = "listed", ["tier"] = "web" });
        var criId = pod.StartContainer("web");

        var result = Shell.Run(Paths.IgBinary, "list-containers", "-o", "json");

        var containers = result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var inspect = Shell.Run("docker", "inspect", "-f", "{{.Id}} {{.Config.Image}} {{.Image}}", docker.Name).Trim().Split(' ');
        AssertListed(containers.Single(c => c.Str("runtime", "containerId") == docker.Id),
            new Expected("docker", inspect[0], docker.Name, inspect[1], inspect[2], docker.Pid));
        AssertListed(containers.Single(c => c.Str("runtime", "containerId") == ctr.Id),
            new Expected("containerd", ctr.Id, ctr.Id, TestImages.Busybox, CtrContainer.ImageDigest, ctr.Pid));
        var p = containers.Single(c => c.Str("runtime", "containerId") == criId);
        AssertListed(p, new Expected("containerd", criId, "web", TestImages.Busybox, CriImageReference(TestImages.Busybox), pod.ContainerPid("web")));
        var k8s = p.GetProperty("k8s");
        Assert.Equal((pod.Namespace, pod.Name, "web", pod.Uid, false), (k8s.Str("namespace"), k8s.Str("podName"), k8s.Str("containerName"), k8s.Str("podUID"), k8s.GetProperty("hostNetwork").GetBoolean()));
        // The pod's own labels, without those the kubelet adds (io.kubernetes.*).
        Assert.Equal(["app=listed", "tier=web"], k8s.GetProperty("podLabels").EnumerateObject().Select(l => $"{l.Name}={l.Value.GetString()}").Order());
        // The pod's sandbox (pause) container is not one of its containers.
        Assert.DoesNotContain(containers, x => x.Str("runtime", "containerId") == pod.SandboxId);
        // Containers made without Kubernetes have no Kubernetes fields.
        foreach (var plain in containers.Where(c => c.Str("runtime", "containerId") is { } id && (id == docker.Id || id == ctr.Id)))
            Assert.All(new[] { plain.Str("k8s", "namespace"), plain.Str("k8s", "podName"), plain.Str("k8s", "containerName"), plain.Str("k8s", "podUID") }, v => Assert.Equal("", v));
    }

    [Fact]
    public void Lists_docker_and_pod_containers_in_columns()
    {
        Requires.Root();
        using var docker = DockerContainer.Run();
        using var pod = CriPod.Run();
        var criId = pod.StartContainer("web");

        var lines = Shell.Run(Paths.IgBinary, "list-containers").Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(["RUNTIME", "ID", "NAME", "NAMESPACE", "POD", "PID", "MNTNS", "IMAGE"], Words(lines[0]));
        // Columns stay aligned under the header, also where a container has no pod.
        var dockerLine = lines.Single(l => l.Contains(docker.Name, StringComparison.Ordinal));
        Assert.StartsWith(Pid(docker.Pid) + " ", dockerLine[lines[0].IndexOf("PID", StringComparison.Ordinal)..]);
        Assert.Equal(["docker", docker.Id[..13], docker.Name, Pid(docker.Pid), Namespace(docker.Pid, "mnt"), TestImages.Busybox], Words(dockerLine));
        var podPid = pod.ContainerPid("web");
        Assert.Equal(["containerd", criId[..13], "web", pod.Namespace, pod.Name, Pid(podPid), Namespace(podPid, "mnt"), TestImages.Busybox],
            Words(lines.Single(l => l.Contains(pod.Name, StringComparison.Ordinal))));
    }

    [Fact]
    public void Custom_columns_show_exactly_those_columns()
    {
        Requires.Root();
        using var docker = DockerContainer.Run();

        var lines = Shell.Run(Paths.IgBinary, "list-containers", "-o", "columns=name,pid,runtime,runtime.containerImageName").Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(["NAME", "PID", "RUNTIME", "IMAGE"], Words(lines[0]));
        Assert.Equal([docker.Name, Pid(docker.Pid), "docker", TestImages.Busybox], Words(lines.Single(l => l.StartsWith(docker.Name + " ", StringComparison.Ordinal))));
    }

    private sealed record Expected(string Runtime, string Id, string Name, string ImageName, string ImageDigest, int Pid);

    private static void AssertListed(JsonElement listed, Expected expected)
    {
        var runtime = listed.GetProperty("runtime");
        Assert.Equal(expected, new Expected(runtime.Str("runtimeName")!, runtime.Str("containerId")!, runtime.Str("containerName")!,
            runtime.Str("containerImageName")!, runtime.Str("containerImageDigest")!, runtime.GetProperty("containerPID").GetInt32()));
        Assert.StartsWith("sha256:", expected.ImageDigest);
        Assert.Equal(Namespace(expected.Pid, "mnt"), listed.GetProperty("mntns").GetUInt64().ToString(CultureInfo.InvariantCulture));
        Assert.Equal(Namespace(expected.Pid, "net"), listed.GetProperty("netns").GetUInt64().ToString(CultureInfo.InvariantCulture));
        // One of the process's own cgroup paths, the one that names the container.
        var cgroup = listed.Str("cgroupPath")!;
        Assert.Contains(expected.Id, cgroup);
        Assert.Contains(File.ReadAllLines($"/proc/{expected.Pid}/cgroup"), l => l.EndsWith(":" + cgroup, StringComparison.Ordinal));
    }

    /// <summary>The inode of a namespace link ("mnt:[4026532324]").</summary>
    private static string Namespace(int pid, string kind)
    {
        var target = File.ResolveLinkTarget($"/proc/{pid}/ns/{kind}", returnFinalTarget: false)!.ToString();
        return target[(target.IndexOf('[') + 1)..^1];
    }

    private static string Pid(int pid) => pid.ToString(CultureInfo.InvariantCulture);

    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>How the CRI names an image's digest: its repository digest, or its id when it
    /// has none (an image imported offline, like the test images).</summary>
    private static string CriImageReference(string image)
    {
        using var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = UnixSocketHttp.Handler("/run/containerd/containerd.sock") });
        var status = new ImageService.ImageServiceClient(channel).ImageStatus(new ImageStatusRequest { Image = new ImageSpec { Image = image } });
        return status.Image.RepoDigests.FirstOrDefault() ?? status.Image.Id;
    }

    [Fact]
    public void Watch_reports_containers_as_they_come_and_go()
    {
        Requires.Root();
        using var first = DockerContainer.Run();
        using var ig = IgProcess.Start("list-containers", "--watch", "-o", "json");
        // The initial listing ends before changes are watched: it marks the start.
        ig.WaitForLine(l => l.Contains(first.Name, StringComparison.Ordinal), "for the initial listing");
        using var container = DockerContainer.Run();

        var created = ig.WaitForLine(l => l.Contains(container.Name, StringComparison.Ordinal), "for the new container");
        Assert.Equal("CREATED", JsonDocument.Parse(created).RootElement.Str("event"));
        container.Dispose();
        var deleted = ig.WaitForLine(l => l.Contains(container.Name, StringComparison.Ordinal) && l.Contains("DELETED", StringComparison.Ordinal), "for its removal");
        Assert.Equal(container.Id, JsonDocument.Parse(deleted).RootElement.Str("runtime", "containerId"));
    }

    [Fact]
    public void Watch_writes_a_docker_container_started_later_with_its_name_image_and_digest()
    {
        Requires.Root();
        using var first = DockerContainer.Run();
        using var ig = IgProcess.Start("list-containers", "--watch", "-o", "json", "-r", "docker");
        ig.WaitForLine(l => l.Contains(first.Name, StringComparison.Ordinal), "for the initial listing");

        using var later = DockerContainer.Run();

        // Seen while it starts (before its first process runs), yet fully described.
        var created = JsonDocument.Parse(ig.WaitForLine(l => l.Contains(later.Id, StringComparison.Ordinal), "for the new container")).RootElement;
        var imageId = Shell.Run("docker", "inspect", "-f", "{{.Image}}", later.Name).Trim();
        Assert.Equal(("CREATED", later.Name, TestImages.Busybox, imageId),
            (created.Str("event"), created.Str("runtime", "containerName"), created.Str("runtime", "containerImageName"), created.Str("runtime", "containerImageDigest")));
    }

    [Fact]
    public void Watch_writes_what_the_runtime_tells_later_about_a_pod_container_selected_by_label()
    {
        Requires.Root();
        var app = Paths.UniqueName("app");
        using var pod = CriPod.Run(labels: new Dictionary<string, string> { ["app"] = app });
        pod.StartContainer("first");
        using var other = CriPod.Run(labels: new Dictionary<string, string> { ["app"] = "other" });
        using var ig = IgProcess.Start("list-containers", "--watch", "-o", "json", "-l", "app=" + app);
        ig.WaitForLine(l => l.Contains(pod.ContainerId("first"), StringComparison.Ordinal), "for the initial listing");

        var lateId = pod.StartContainer("late");
        other.StartContainer("unselected");

        var created = JsonDocument.Parse(ig.WaitForLine(l => l.Contains(lateId, StringComparison.Ordinal), "for the new container")).RootElement;
        Assert.Equal(("CREATED", "late", app), (created.Str("event"), created.Str("k8s", "containerName"), created.GetProperty("k8s").GetProperty("podLabels").Str("app")));
        // The image digest comes from the CRI after the container was first seen: written
        // with it, or as an update of the container already written.
        var digest = CriImageReference(TestImages.Busybox);
        var described = JsonDocument.Parse(ig.WaitForLine(l => l.Contains(lateId, StringComparison.Ordinal) && l.Contains(digest, StringComparison.Ordinal), "for its image digest")).RootElement;
        Assert.Contains(described.Str("event"), new[] { "CREATED", "UPDATED" });
        Assert.Equal(digest, described.Str("runtime", "containerImageDigest"));
        Thread.Sleep(TimeSpan.FromSeconds(2)); // a later CRI poll must not write it as created again
        Assert.Single(ig.Lines, l => l.Contains(lateId, StringComparison.Ordinal) && l.Contains("\"CREATED\"", StringComparison.Ordinal));
        Assert.DoesNotContain(ig.Lines, l => l.Contains(other.Name, StringComparison.Ordinal));
    }

    [Fact]
    public void An_unreachable_runtime_is_skipped_with_one_warning()
    {
        Requires.Root();
        using var ctr = CtrContainer.Run();

        var result = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(30), "list-containers", "--docker-socketpath", "/nonexistent/docker.sock");

        Assert.Equal(0, result.ExitCode);
        var warnings = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(warnings);
        Assert.StartsWith("WARNING: docker: cannot list containers at /nonexistent/docker.sock", warnings[0]);
        Assert.Contains(ctr.Id, result.Output);
    }

    [Fact]
    public void A_filter_that_matches_nothing_yet_says_so_once_and_keeps_waiting()
    {
        Requires.Root();
        var name = Paths.UniqueName("igt-late");
        using var ig = IgProcess.Start("trace", "exec", "-c", name);
        ig.WaitForLine(l => l.Contains("PCOMM", StringComparison.Ordinal), "with the header");
        Assert.Equal($"ig: no container matches -c {name} yet; waiting for one to start", ig.ErrorText.Trim());

        using var container = DockerContainer.Run(name, ["/bin/echo", "late-arrival"]);

        var line = ig.WaitForLine(l => l.Contains("late-arrival", StringComparison.Ordinal), "for the container's exec");
        Assert.StartsWith(name, line);
        Assert.Equal($"ig: no container matches -c {name} yet; waiting for one to start", ig.ErrorText.Trim());
    }

    [Fact]
    public void Pod_events_are_shown_with_namespace_pod_and_container_columns()
    {
        Requires.Root();
        using var pod = CriPod.Run();
        pod.StartContainer("web");
        using var ig = IgProcess.Start("trace", "exec", "-p", pod.Name);
        var header = ig.WaitForLine(l => l.Contains("PCOMM", StringComparison.Ordinal), "with the header");
        Assert.Equal(["NAMESPACE", "POD", "CONTAINER", "PID", "PPID", "COMM", "PCOMM", "RET", "ARGS"], header.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        pod.Exec("web", "/bin/echo", "columns-check");

        var line = ig.WaitForLine(l => l.Contains("columns-check", StringComparison.Ordinal), "for the exec");
        Assert.Equal(["igtest", pod.Name, "web"], line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..3]);
    }

    [Theory]
    [InlineData("--runtimes", "podman")]
    [InlineData("--runtimes", ",")]
    [InlineData("--selector", "novalue")]
    public void Bad_container_flags_are_one_error_line(string flag, string value)
    {
        Requires.Root();
        var result = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(15), "trace", "exec", flag, value);

        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Error: ", result.Error);
    }
}
