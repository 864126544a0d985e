using Gadget.Containers;
using Gadget.Gadgets.Trace.Exec;
using Gadget.Gadgets.Trace.Open;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Containers;

/// <summary>Events from real Docker containers carry the right container, and the
/// container filters keep exactly the events they should.</summary>
public sealed class DockerAttributionTests
{
    [Fact]
    public void Execs_in_a_running_container_are_attributed_to_it()
    {
        Requires.Root();
        using var container = DockerContainer.Run();
        using var session = RunningGadget.StartWithContainers(new ExecGadget(), new ContainerSelector());
        var marker = Paths.UniqueName("m");

        container.Exec("/bin/echo", marker);

        var e = session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker]), "for the exec in the container");
        Assert.Equal("docker", e.Str("runtime", "runtimeName"));
        Assert.Equal(container.Name, e.Str("runtime", "containerName"));
        Assert.Equal(container.Id, e.Str("runtime", "containerId"));
        Assert.Equal(TestImages.Busybox, e.Str("runtime", "containerImageName"));
        Assert.Equal("root", e.Str("user")); // from the container's own /etc/passwd
        var containerMntns = session.Containers!.FindById(container.Id)!.MntnsId;
        Assert.Equal(containerMntns, (ulong)e.Num("mountnsid"));
    }

    [Fact]
    public void The_first_exec_of_a_container_started_after_the_gadget_is_attributed()
    {
        Requires.Root();
        using var session = RunningGadget.StartWithContainers(new ExecGadget(), new ContainerSelector());
        var marker = Paths.UniqueName("m");

        using var container = DockerContainer.Run(command: ["/bin/echo", marker]);

        // The container's very first process is that echo: it must be there, attributed.
        var e = session.WaitFor(e => e.Strings("args").Contains(marker), "for the container's first exec");
        Assert.Equal(container.Name, e.Str("runtime", "containerName"));
        Assert.Equal(["/bin/echo", marker], e.Strings("args"));
    }

    [Fact]
    public void Containername_keeps_only_that_containers_events_and_host_events_stay_out()
    {
        Requires.Root();
        using var wanted = DockerContainer.Run();
        using var other = DockerContainer.Run();
        using var session = RunningGadget.StartWithContainers(new ExecGadget(), new ContainerSelector { ContainerName = wanted.Name });
        var marker = Paths.UniqueName("m");

        other.Exec("/bin/echo", marker, "other");
        Shell.Run("/bin/echo", marker, "host");
        wanted.Exec("/bin/echo", marker, "wanted");

        session.WaitFor(e => e.Strings("args").Contains("wanted"), "for the selected container");
        session.Stop();
        Assert.All(session.Records.Where(r => r.IsEvent()), e => Assert.Equal(wanted.Name, e.Str("runtime", "containerName")));
        Assert.DoesNotContain(session.Records, e => e.Strings("args").Contains("other") || e.Strings("args").Contains("host"));
    }

    [Fact]
    public void Host_adds_host_processes_to_container_events()
    {
        Requires.Root();
        using var container = DockerContainer.Run();
        using var session = RunningGadget.StartWithContainers(new ExecGadget(), new ContainerSelector { IncludeHost = true });
        var marker = Paths.UniqueName("m");

        Shell.Run("/bin/echo", marker, "host");
        container.Exec("/bin/echo", marker, "container");

        var host = session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker, "host"]), "for the host exec");
        Assert.Null(host.Str("runtime", "containerName"));
        // (The docker CLI on the host has the same words in its arguments: match the echo itself.)
        var inContainer = session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker, "container"]), "for the container exec");
        Assert.Equal(container.Name, inContainer.Str("runtime", "containerName"));
    }

    [Fact]
    public void Without_host_only_container_events_are_shown()
    {
        Requires.Root();
        using var container = DockerContainer.Run();
        using var session = RunningGadget.StartWithContainers(new ExecGadget(), new ContainerSelector());
        var marker = Paths.UniqueName("m");

        Shell.Run("/bin/echo", marker, "host");
        container.Exec("/bin/echo", marker, "container");

        session.WaitFor(e => e.Strings("args").Contains("container"), "for the container exec");
        session.Stop();
        Assert.DoesNotContain(session.Records, e => e.Strings("args").Contains("host"));
        Assert.All(session.Records.Where(r => r.IsEvent()), e => Assert.NotNull(e.Str("runtime", "containerName")));
    }

    [Fact]
    public void Opens_in_a_container_are_attributed_and_show_the_containers_paths()
    {
        Requires.Root();
        using var container = DockerContainer.Run();
        using var session = RunningGadget.StartWithContainers(new OpenGadget(), new ContainerSelector { ContainerName = container.Name });
        var missing = "/" + Paths.UniqueName("missing");

        container.Exec("/bin/cat", "/etc/passwd");
        Shell.TryRun("docker", null, TimeSpan.FromSeconds(30), "exec", container.Name, "/bin/cat", missing);

        var ok = session.WaitFor(e => e.Str("path") == "/etc/passwd", "for the open in the container");
        Assert.Equal(container.Name, ok.Str("runtime", "containerName"));
        var failed = session.WaitFor(e => e.Str("path") == missing, "for the failed open");
        Assert.Equal(2, failed.Num("err"));
    }

    [Fact]
    public void A_stopped_container_leaves_the_kernel_filter_map()
    {
        Requires.Root();
        using var container = DockerContainer.Run();
        using var session = RunningGadget.StartWithContainers(new ExecGadget(), new ContainerSelector { ContainerName = container.Name });
        var mntns = session.Containers!.FindById(container.Id)!.MntnsId;
        Assert.Contains(mntns, KernelObjects.MountNamespaceFilterKeys());

        container.Stop();

        Poll.Until(() => !KernelObjects.MountNamespaceFilterKeys().Contains(mntns), "the stopped container's mntns to leave the filter map");
    }
}
