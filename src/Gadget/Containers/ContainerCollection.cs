using System.Collections.Concurrent;

namespace Gadget.Containers;

/// <summary>The containers running now, keyed by mount namespace, kept up to date by the
/// runtimes' watchers. Lookups (once per event) take no lock; changes are serialized and
/// their handlers run before the change returns, so a kernel filter map is updated before
/// a new container's first process is let run.</summary>
public sealed class ContainerCollection : IContainerResolver
{
    private readonly ConcurrentDictionary<ulong, ContainerInfo> _byMntns = new();
    private readonly Lock _gate = new();
    // Containers that just stopped still attribute the events queued before they stopped.
    private readonly ConcurrentDictionary<ulong, (ContainerInfo Container, long RemovedAt)> _departed = new();
    private static readonly long DepartedTtl = 10 * System.Diagnostics.Stopwatch.Frequency;

    /// <summary>A container was added (true) or removed (false).</summary>
    public event Action<ContainerInfo, bool>? Changed;

    /// <summary>Known metadata of a container replaced by a richer version (same mount namespace).</summary>
    public event Action<ContainerInfo>? Updated;

    public int Count => _byMntns.Count;

    public ContainerInfo? Resolve(ulong mntnsId) =>
        _byMntns.TryGetValue(mntnsId, out var c) ? c
        : !_departed.IsEmpty && _departed.TryGetValue(mntnsId, out var d) ? d.Container
        : null;

    public IReadOnlyList<ContainerInfo> Snapshot() => _byMntns.Values.OrderBy(c => c.Runtime).ThenBy(c => c.Name).ToList();

    public ContainerInfo? FindById(string id) =>
        _byMntns.Values.FirstOrDefault(c => c.Id == id || (id.Length >= 12 && c.Id.StartsWith(id, StringComparison.Ordinal)));

    /// <summary>Adds a container, or merges what is new about one already known. Containers
    /// without a mount namespace (not started) are ignored, and so is one that claims the host's
    /// (a `runc exec` child already in the container's cgroup but not yet in its namespaces, or
    /// a pid that went to a host process): keyed by it, it would take every host event for its own.</summary>
    public void AddOrUpdate(ContainerInfo container)
    {
        if (container.MntnsId == 0 || container.MntnsId == Procfs.ProcNamespaces.HostMountNamespace)
            return;
        if (container.IsPod && container.NodeName.Length == 0)
            container = container with { NodeName = Containers.NodeName.Current };
        lock (_gate)
        {
            if (_byMntns.TryGetValue(container.MntnsId, out var known) && !IsSameContainer(known, container))
            {
                // The kernel reuses namespace ids: a container that stopped before the sweep
                // noticed left its id to this new one, whose metadata must not inherit its
                // predecessor's (pod, names).
                RemoveLocked(known);
            }
            else if (known is not null)
            {
                var merged = Merge(known, container);
                if (merged == known)
                    return;
                _byMntns[container.MntnsId] = merged;
                Updated?.Invoke(merged);
                return;
            }
            _byMntns[container.MntnsId] = container;
            Changed?.Invoke(container, true);
        }
    }

    /// <summary>Removes the container with this id (full or 12-character prefix).</summary>
    public bool Remove(string id)
    {
        lock (_gate)
        {
            var container = FindById(id);
            return container is not null && RemoveLocked(container);
        }
    }

    private bool RemoveLocked(ContainerInfo container)
    {
        if (!_byMntns.TryRemove(container.MntnsId, out _))
            return false;
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var (mntns, departed) in _departed)
        {
            if (now - departed.RemovedAt > DepartedTtl)
                _departed.TryRemove(mntns, out _);
        }
        _departed[container.MntnsId] = (container, now);
        Changed?.Invoke(container, false);
        return true;
    }

    /// <summary>The same container: equal ids, or one id the short (prefix) form of the other.</summary>
    private static bool IsSameContainer(ContainerInfo known, ContainerInfo update) =>
        known.Id.StartsWith(update.Id, StringComparison.Ordinal) || update.Id.StartsWith(known.Id, StringComparison.Ordinal);

    /// <summary>Removes containers whose init process is gone (a missed stop event).</summary>
    public void RemoveDead(Func<ContainerInfo, bool> isAlive)
    {
        foreach (var container in _byMntns.Values)
        {
            if (!isAlive(container))
                Remove(container.Id);
        }
    }

    /// <summary>Fills what the known entry lacks from the newer one; the id of a runtime wins
    /// over a guess.</summary>
    private static ContainerInfo Merge(ContainerInfo known, ContainerInfo update)
    {
        static string Pick(string a, string b) => b.Length > 0 ? b : a;
        var merged = known with
        {
            Runtime = update.Runtime != "unknown" ? update.Runtime : known.Runtime,
            Id = Pick(known.Id, update.Id),
            Name = update.Name.Length > 0 && update.Name != update.Id ? update.Name : known.Name,
            ImageName = Pick(known.ImageName, update.ImageName),
            ImageDigest = Pick(known.ImageDigest, update.ImageDigest),
            Pid = update.Pid != 0 ? update.Pid : known.Pid,
            NetnsId = update.NetnsId != 0 ? update.NetnsId : known.NetnsId,
            CgroupPath = Pick(known.CgroupPath, update.CgroupPath),
            RuntimeNamespace = Pick(known.RuntimeNamespace, update.RuntimeNamespace),
            PodName = Pick(known.PodName, update.PodName),
            Namespace = Pick(known.Namespace, update.Namespace),
            K8sContainerName = Pick(known.K8sContainerName, update.K8sContainerName),
            NodeName = Pick(known.NodeName, update.NodeName),
            PodUid = Pick(known.PodUid, update.PodUid),
            SandboxId = Pick(known.SandboxId, update.SandboxId),
            HostNetwork = known.HostNetwork || update.HostNetwork,
            PodLabels = update.PodLabels.Count > 0 ? update.PodLabels : known.PodLabels,
        };
        return merged.Equals(known) ? known : merged;
    }
}
