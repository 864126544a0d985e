using Gadget.Containers.Procfs;

namespace Gadget.Containers.Runtimes;

/// <summary>Completes a container's description from its init process in /proc: namespaces
/// and cgroup. A container whose process is gone by then yields null (not an error).</summary>
internal static class ContainerProcess
{
    public static ContainerInfo? Complete(ContainerInfo container)
    {
        if (container.Pid <= 0 || !ProcNamespaces.TryGetMountNamespace(container.Pid, out var mntns))
            return null;
        ProcNamespaces.TryGetNetworkNamespace(container.Pid, out var netns);
        return container with
        {
            MntnsId = mntns,
            NetnsId = netns,
            CgroupPath = CgroupFile.ReadPath(container.Pid) ?? "",
        };
    }

    public static bool IsAlive(ContainerInfo container) =>
        container.Pid > 0 && ProcNamespaces.TryGetMountNamespace(container.Pid, out var mntns) && mntns == container.MntnsId;
}
