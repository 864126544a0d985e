using Gadget.Containers;
using Gadget.Gadgets.Trace.Exec;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Containers;

/// <summary>The selections that cut across runtimes: -r/--runtimes, and --host together
/// with a container filter.</summary>
public sealed class SelectionTests
{
    [Theory]
    [InlineData("docker")]
    [InlineData("containerd")]
    public void Runtimes_keeps_only_the_named_runtimes_containers(string runtime)
    {
        Requires.Root();
        using var docker = DockerContainer.Run();
        using var ctr = CtrContainer.Run();
        using var session = RunningGadget.StartWithContainers(new ExecGadget(), new ContainerSelector { Runtimes = new HashSet<string> { runtime } });
        var marker = Paths.UniqueName("m");

        docker.Exec("/bin/echo", marker, "docker");
        ctr.Exec("/bin/echo", marker, "containerd");
        Shell.Run("/bin/echo", marker, "host");

        var wanted = session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker, runtime]), $"for the exec in the {runtime} container");
        Assert.Equal(runtime, wanted.Str("runtime", "runtimeName"));
        session.Stop();
        var seen = session.Records.Where(e => e.Strings("args").FirstOrDefault() == "/bin/echo" && e.Strings("args").Contains(marker))
            .Select(e => e.Strings("args")[2]).Distinct().ToArray();
        Assert.Equal([runtime], seen);
    }

    [Fact]
    public void Host_with_a_container_filter_shows_the_host_and_that_container_only()
    {
        Requires.Root();
        using var wanted = DockerContainer.Run();
        using var other = DockerContainer.Run();
        using var session = RunningGadget.StartWithContainers(new ExecGadget(), new ContainerSelector { ContainerName = wanted.Name, IncludeHost = true });
        var marker = Paths.UniqueName("m");

        other.Exec("/bin/echo", marker, "other");
        wanted.Exec("/bin/echo", marker, "wanted");
        Shell.Run("/bin/echo", marker, "host");

        var host = session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker, "host"]), "for the host exec");
        Assert.Null(host.Str("runtime", "containerName"));
        // Left out in the kernel: the map lists the containers not selected.
        var filterKeys = KernelObjects.MountNamespaceFilterKeys();
        Assert.Contains(session.Containers!.FindById(other.Id)!.MntnsId, filterKeys);
        Assert.DoesNotContain(session.Containers!.FindById(wanted.Id)!.MntnsId, filterKeys);
        var inWanted = session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker, "wanted"]), "for the selected container's exec");
        Assert.Equal(wanted.Name, inWanted.Str("runtime", "containerName"));
        session.Stop();
        Assert.DoesNotContain(session.Records, e => e.Strings("args").SequenceEqual(["/bin/echo", marker, "other"]));
        Assert.DoesNotContain(session.Records, e => e.Str("runtime", "containerName") == other.Name);
    }

    [Fact]
    public void Host_with_a_runtime_filter_leaves_the_other_runtimes_containers_out()
    {
        Requires.Root();
        using var docker = DockerContainer.Run();
        using var ctr = CtrContainer.Run();
        using var session = RunningGadget.StartWithContainers(new ExecGadget(), new ContainerSelector { Runtimes = new HashSet<string> { "docker" }, IncludeHost = true });
        var marker = Paths.UniqueName("m");

        ctr.Exec("/bin/echo", marker, "containerd");
        docker.Exec("/bin/echo", marker, "docker");
        Shell.Run("/bin/echo", marker, "host");

        session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker, "host"]), "for the host exec");
        var inDocker = session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker, "docker"]), "for the docker container's exec");
        Assert.Equal(docker.Name, inDocker.Str("runtime", "containerName"));
        session.Stop();
        // The ctr container is known though containerd was not asked for, so it is left out
        // rather than shown as a host process.
        Assert.DoesNotContain(session.Records, e => e.Strings("args").SequenceEqual(["/bin/echo", marker, "containerd"]));
    }
}
