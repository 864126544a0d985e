using Gadget.Agent.Protocol;
using Gadget.Containers;

namespace Gadget.Agent.Wire;

/// <summary>A container's metadata to and from the contract's Container message, whole, so a
/// client attributes a record to the same container (pod, namespace, labels, node) as the node.</summary>
internal static class ContainerWire
{
    public static Container ToMessage(ContainerInfo c, uint reference)
    {
        var message = new Container
        {
            Ref = reference,
            Runtime = c.Runtime,
            Id = c.Id,
            Name = c.Name,
            ImageName = c.ImageName,
            ImageDigest = c.ImageDigest,
            Pid = c.Pid,
            Mntns = c.MntnsId,
            Netns = c.NetnsId,
            CgroupPath = c.CgroupPath,
            RuntimeNamespace = c.RuntimeNamespace,
            PodName = c.PodName,
            Namespace = c.Namespace,
            K8SContainerName = c.K8sContainerName,
            PodUid = c.PodUid,
            SandboxId = c.SandboxId,
            HostNetwork = c.HostNetwork,
            NodeName = c.NodeName,
        };
        foreach (var (key, value) in c.PodLabels)
            message.PodLabels[key] = value;
        return message;
    }

    public static ContainerInfo FromMessage(Container m) => new()
    {
        Runtime = m.Runtime,
        Id = m.Id,
        Name = m.Name,
        ImageName = m.ImageName,
        ImageDigest = m.ImageDigest,
        Pid = m.Pid,
        MntnsId = m.Mntns,
        NetnsId = m.Netns,
        CgroupPath = m.CgroupPath,
        RuntimeNamespace = m.RuntimeNamespace,
        PodName = m.PodName,
        Namespace = m.Namespace,
        K8sContainerName = m.K8SContainerName,
        PodUid = m.PodUid,
        SandboxId = m.SandboxId,
        HostNetwork = m.HostNetwork,
        PodLabels = new Dictionary<string, string>(m.PodLabels, StringComparer.Ordinal),
        NodeName = m.NodeName,
    };
}

/// <summary>The numbers a run gives its containers on the wire: each container is sent once,
/// with the first record that needs it, and records carry its number. Keyed by the instance
/// (enrichment makes a new one, which is then sent anew), so a lookup per event is cheap.</summary>
internal sealed class ContainerRefs
{
    private readonly Dictionary<ContainerInfo, uint> _refs = new(ReferenceEqualityComparer.Instance);
    private readonly List<Container> _pending = [];
    private ContainerInfo? _last;
    private uint _lastRef;

    /// <summary>The container's number (0 for none), queuing its message if it is new.</summary>
    public uint RefOf(ContainerInfo? container)
    {
        if (container is null)
            return 0;
        if (ReferenceEquals(container, _last))
            return _lastRef;
        if (!_refs.TryGetValue(container, out var reference))
        {
            reference = (uint)_refs.Count + 1;
            _refs.Add(container, reference);
            _pending.Add(ContainerWire.ToMessage(container, reference));
        }
        _last = container;
        _lastRef = reference;
        return reference;
    }

    /// <summary>Moves the containers not sent yet into a message's list.</summary>
    public void TakePending(Google.Protobuf.Collections.RepeatedField<Container> into)
    {
        if (_pending.Count == 0)
            return;
        into.AddRange(_pending);
        _pending.Clear();
    }
}
