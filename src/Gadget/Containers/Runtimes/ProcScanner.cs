using Gadget.Containers.Procfs;

namespace Gadget.Containers.Runtimes;

/// <summary>Finds containers that no runtime API reported (another runc-based runtime, a
/// runtime whose socket is unavailable): processes outside the host's mount namespace whose
/// cgroup path names a container id. The first process seen of each namespace stands for it.
/// It runs every few seconds for as long as ig runs, so a scan of a quiet machine allocates
/// next to nothing: one readlink per process, and namespaces found to be no container's (a
/// service's private mounts, a pod's sandbox) in two scans in a row are remembered for a while.
/// (One scan could catch a container's first process in its new namespaces before runc moved
/// it into the container's cgroup.)</summary>
internal sealed class ProcScanner
{
    // Forget the namespaces that were no container's now and then: the kernel reuses ids.
    private const int ScansBetweenForgetting = 30;

    private readonly HashSet<ulong> _notContainers = [];
    private readonly HashSet<ulong> _seenOnceAsNoContainer = [];
    private int[] _pids = new int[1024];
    private int _scans;

    public IReadOnlyList<ContainerInfo> Scan(ContainerCollection known)
    {
        if (++_scans % ScansBetweenForgetting == 0)
        {
            _notContainers.Clear();
            _seenOnceAsNoContainer.Clear();
        }
        var host = ProcNamespaces.HostMountNamespace;
        Dictionary<ulong, ContainerInfo>? found = null;
        var count = Native.ProcFs.ListPids(ref _pids);
        for (var i = 0; i < count; i++)
        {
            var pid = _pids[i];
            if (!ProcNamespaces.TryGetMountNamespace(pid, out var mntns) || mntns == host ||
                _notContainers.Contains(mntns) || known.Resolve(mntns) is not null || found?.ContainsKey(mntns) == true)
                continue;
            if (Describe(pid, mntns, known) is { } container)
                (found ??= [])[mntns] = container;
            else if (!_seenOnceAsNoContainer.Add(mntns))
                _notContainers.Add(mntns);
        }
        return found is null ? [] : found.Values.ToList();
    }

    /// <summary>The container whose process <paramref name="pid"/> is, if it is one nobody reported.</summary>
    private static ContainerInfo? Describe(int pid, ulong mntns, ContainerCollection known)
    {
        // Only root makes containers' mount namespaces in the host's user namespace; another
        // user's namespace in a cgroup named like a container's must not pass for it.
        if (!ProcNamespaces.IsInHostUserNamespace(pid))
            return null;
        var cgroup = CgroupFile.ReadPath(pid);
        if (cgroup is null || !CgroupFile.TryParseContainer(cgroup, out var runtime, out var id) || known.FindById(id) is not null)
            return null;
        // A pod's sandbox (pause) container runs nothing of interest: leave it out, as
        // the CRI listing and the runc watcher do.
        var bundle = Runc.ContainerdBundle.TryFind(id);
        if (bundle?.IsSandbox == true)
            return null;
        ProcNamespaces.TryGetNetworkNamespace(pid, out var netns);
        return new ContainerInfo
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
}
