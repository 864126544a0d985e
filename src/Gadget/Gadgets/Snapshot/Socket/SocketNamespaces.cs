using Gadget.Containers;

namespace Gadget.Gadgets.Snapshot.Socket;

/// <summary>A network namespace a socket snapshot visits: a process in it (to open it through
/// /proc/PID/ns/net; 0 for ig's own), and the container its sockets are attributed to, if any.</summary>
public sealed record SocketNamespace(ulong NetnsId, int Pid, ContainerInfo? Owner);

/// <summary>Which network namespaces a socket snapshot visits, and to whom their sockets belong.
/// As in the reference, each namespace is visited once, however many selected containers share
/// it, and its sockets are attributed by namespace: to its container when it is the only one
/// there, to the pod (namespace, name, labels, runtime) when a pod's containers share it, and to
/// nobody when it is the host's (host-network pods) or unrelated containers share it.</summary>
public static class SocketNamespaces
{
    /// <summary>The namespaces of the <paramref name="selected"/> containers, attributed from all
    /// <paramref name="known"/> ones; the host's (<paramref name="hostNetns"/>, ig's own) first with
    /// <paramref name="includeHost"/> (--host). A container in the host's namespace (host network)
    /// owns none of its sockets.</summary>
    public static IReadOnlyList<SocketNamespace> Plan(IReadOnlyList<ContainerInfo> selected, IReadOnlyList<ContainerInfo> known, ulong hostNetns, bool includeHost)
    {
        var plan = new List<SocketNamespace>();
        var visited = new HashSet<ulong>();
        if (includeHost)
        {
            visited.Add(hostNetns);
            plan.Add(new SocketNamespace(hostNetns, 0, null));
        }
        foreach (var container in selected)
        {
            if (container.NetnsId == 0 || container.Pid <= 0 || !visited.Add(container.NetnsId))
                continue;
            var owner = container.NetnsId == hostNetns ? null : Owner(container.NetnsId, known.Append(container));
            plan.Add(new SocketNamespace(container.NetnsId, container.Pid, owner));
        }
        return plan;
    }

    /// <summary>Whom the sockets of a network namespace belong to, given the containers in it.</summary>
    public static ContainerInfo? Owner(ulong netnsId, IEnumerable<ContainerInfo> containers)
    {
        var sharing = containers.Where(c => c.NetnsId == netnsId).DistinctBy(c => c.Id).ToList();
        if (sharing.Count == 0 || sharing[0].HostNetwork)
            return null;
        if (sharing.Count == 1)
            return sharing[0];
        var first = sharing[0];
        if (first.PodName.Length == 0 || first.Namespace.Length == 0)
            return null;
        // The pod, not one of its containers: the containers share these sockets.
        return new ContainerInfo
        {
            Runtime = first.Runtime,
            Id = "",
            Name = "",
            PodName = first.PodName,
            Namespace = first.Namespace,
            PodUid = first.PodUid,
            SandboxId = first.SandboxId,
            PodLabels = first.PodLabels,
            NodeName = first.NodeName,
            NetnsId = netnsId,
        };
    }
}
