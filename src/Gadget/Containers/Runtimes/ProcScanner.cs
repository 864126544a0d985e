using Gadget.Containers.Procfs;

namespace Gadget.Containers.Runtimes;

/// <summary>Finds containers that no runtime API reported (another runc-based runtime, a
/// runtime whose socket is unavailable): processes outside the host's mount namespace whose
/// cgroup path names a container id. The first process seen of each namespace stands for it.</summary>
internal static class ProcScanner
{
    public static IReadOnlyList<ContainerInfo> Scan(ContainerCollection known)
    {
        var host = ProcNamespaces.HostMountNamespace;
        var found = new Dictionary<ulong, ContainerInfo>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) ||
                !ProcNamespaces.TryGetMountNamespace(pid, out var mntns) ||
                mntns == host || found.ContainsKey(mntns) || known.Resolve(mntns) is not null)
                continue;
            var cgroup = CgroupFile.ReadPath(pid);
            if (cgroup is null || !CgroupFile.TryParseContainer(cgroup, out var runtime, out var id))
                continue;
            if (known.FindById(id) is not null)
                continue;
            // A pod's sandbox (pause) container runs nothing of interest: leave it out, as
            // the CRI listing and the runc watcher do.
            var bundle = Runc.ContainerdBundle.TryFind(id);
            if (bundle?.IsSandbox == true)
                continue;
            ProcNamespaces.TryGetNetworkNamespace(pid, out var netns);
            found[mntns] = new ContainerInfo
            {
                Runtime = bundle is null ? runtime : bundle.Namespace == "moby" ? DiscoveryOptions.Docker : DiscoveryOptions.Containerd,
                RuntimeNamespace = bundle?.Namespace ?? "",
                Id = id,
                Name = id[..12],
                Pid = pid,
                MntnsId = mntns,
                NetnsId = netns,
                CgroupPath = cgroup,
            };
        }
        return found.Values.ToList();
    }
}
