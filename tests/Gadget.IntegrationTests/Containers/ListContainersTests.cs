using System.Text.Json;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Containers;

/// <summary>`ig list-containers` and the container flags of the binary, against real runtimes.</summary>
public sealed class ListContainersTests
{
    [Fact]
    public void Lists_docker_ctr_and_cri_containers_with_their_metadata()
    {
        Requires.Root();
        using var docker = DockerContainer.Run();
        using var ctr = CtrContainer.Run();
        using var pod = CriPod.Run(labels: new Dictionary<string, string> { ["app"] = "listed" });
        pod.StartContainer("web");

        var result = Shell.Run(Paths.IgBinary, "list-containers", "-o", "json");

        var containers = result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var d = containers.Single(c => c.Str("runtime", "containerName") == docker.Name);
        Assert.Equal("docker", d.Str("runtime", "runtimeName"));
        Assert.Equal(docker.Pid, d.GetProperty("runtime").GetProperty("containerPID").GetInt32());
        Assert.True(d.GetProperty("mntns").GetUInt64() > 0);
        var c = containers.Single(c => c.Str("runtime", "containerName") == ctr.Id);
        Assert.Equal("containerd", c.Str("runtime", "runtimeName"));
        var p = containers.Single(c => c.Str("k8s", "podName") == pod.Name);
        Assert.Equal("web", p.Str("k8s", "containerName"));
        Assert.Equal("listed", p.GetProperty("k8s").GetProperty("podLabels").GetProperty("app").GetString());
        // The pod's sandbox (pause) container is not one of its containers.
        Assert.DoesNotContain(containers, x => x.Str("runtime", "containerId") == pod.SandboxId);
    }

    [Fact]
    public void Watch_reports_containers_as_they_come_and_go()
    {
        Requires.Root();
        using var first = DockerContainer.Run();
        using var ig = IgProcess.Start("list-containers", "--watch", "-o", "json");
        // The initial listing ends before changes are watched: it marks the start.
        ig.WaitForLine(l => l.Contains(first.Name, StringComparison.Ordinal), "for the initial listing");
        var container = DockerContainer.Run();

        var created = ig.WaitForLine(l => l.Contains(container.Name, StringComparison.Ordinal), "for the new container");
        Assert.Equal("CREATED", JsonDocument.Parse(created).RootElement.Str("event"));
        container.Dispose();
        var deleted = ig.WaitForLine(l => l.Contains(container.Name, StringComparison.Ordinal) && l.Contains("DELETED", StringComparison.Ordinal), "for its removal");
        Assert.Equal(container.Id, JsonDocument.Parse(deleted).RootElement.Str("runtime", "containerId"));
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
