using Gadget.Containers;
using Gadget.Gadgets.Trace.Exec;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Containers;

/// <summary>A selected container that goes away leaves the kernel's mount-namespace filter
/// map, whichever runtime made it (Docker's case is in DockerAttributionTests).</summary>
public sealed class FilterMapRemovalTests
{
    [Fact]
    public void A_stopped_pod_container_leaves_the_map_and_its_sibling_stays()
    {
        Requires.Root();
        using var pod = CriPod.Run();
        pod.StartContainer("web");
        pod.StartContainer("sidecar");
        using var session = RunningGadget.StartWithContainers(new ExecGadget(), new ContainerSelector { PodName = pod.Name });
        var web = session.Containers!.FindById(pod.ContainerId("web"))!.MntnsId;
        var sidecar = session.Containers!.FindById(pod.ContainerId("sidecar"))!.MntnsId;
        Assert.Contains(web, KernelObjects.MountNamespaceFilterKeys());
        Assert.Contains(sidecar, KernelObjects.MountNamespaceFilterKeys());

        pod.StopContainer("web");

        Poll.Until(() => !KernelObjects.MountNamespaceFilterKeys().Contains(web), "the stopped pod container's mntns to leave the filter map");
        Assert.Contains(sidecar, KernelObjects.MountNamespaceFilterKeys());
        var marker = Paths.UniqueName("m");
        pod.Exec("sidecar", "/bin/echo", marker);
        session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker]), "for the exec in the remaining container");
    }

    [Fact]
    public void A_killed_ctr_container_leaves_the_map()
    {
        Requires.Root();
        using var container = CtrContainer.Run();
        using var session = RunningGadget.StartWithContainers(new ExecGadget(), new ContainerSelector { ContainerName = container.Id });
        var mntns = session.Containers!.FindById(container.Id)!.MntnsId;
        Assert.Contains(mntns, KernelObjects.MountNamespaceFilterKeys());

        CtrContainer.Remove(container.Id);

        Poll.Until(() => !KernelObjects.MountNamespaceFilterKeys().Contains(mntns), "the removed ctr container's mntns to leave the filter map");
        Assert.Null(session.Containers!.FindById(container.Id));
    }
}
