using System.Text;

namespace Gadget.Containers;

/// <summary>A container (and its pod, when a Kubernetes runtime made it), keyed by the id of
/// its mount namespace. Names are also kept as UTF-8, so output copies them without encoding.
/// Immutable: enrichment makes a new instance with <c>with</c>.</summary>
public sealed record ContainerInfo
{
    private readonly string _runtime = "", _id = "", _name = "", _imageName = "", _imageDigest = "";
    private readonly string _podName = "", _namespace = "", _k8sContainerName = "", _nodeName = "";

    /// <summary>"docker", "containerd", "cri-o", "podman" or "unknown".</summary>
    public required string Runtime { get => _runtime; init { _runtime = value; RuntimeUtf8 = Utf8(value); } }
    public required string Id { get => _id; init { _id = value; IdUtf8 = Utf8(value); } }
    public required string Name { get => _name; init { _name = value; NameUtf8 = Utf8(value); } }
    public string ImageName { get => _imageName; init { _imageName = value; ImageNameUtf8 = Utf8(value); } }
    public string ImageDigest { get => _imageDigest; init { _imageDigest = value; ImageDigestUtf8 = Utf8(value); } }

    /// <summary>The container's init process, as seen from the host.</summary>
    public int Pid { get; init; }
    public ulong MntnsId { get; init; }
    public ulong NetnsId { get; init; }
    public string CgroupPath { get; init; } = "";

    /// <summary>The containerd namespace ("k8s.io", "moby", "default", ...), when known.</summary>
    public string RuntimeNamespace { get; init; } = "";

    /// <summary>Kubernetes metadata, from the CRI metadata and labels of the container and its sandbox.</summary>
    public string PodName { get => _podName; init { _podName = value; PodNameUtf8 = Utf8(value); } }
    public string Namespace { get => _namespace; init { _namespace = value; NamespaceUtf8 = Utf8(value); } }
    public string K8sContainerName { get => _k8sContainerName; init { _k8sContainerName = value; K8sContainerNameUtf8 = Utf8(value); } }
    public string PodUid { get; init; } = "";
    public string SandboxId { get; init; } = "";
    public bool HostNetwork { get; init; }
    public IReadOnlyDictionary<string, string> PodLabels { get; init; } = EmptyLabels;

    public bool IsPod => PodName.Length > 0;

    /// <summary>The Kubernetes node the pod runs on, stamped on the node when the pod's container
    /// is registered (so a remote client shows the node's name, not its own); empty for
    /// containers that are no pod's, as the reference's ig leaves k8s.node.</summary>
    public string NodeName { get => _nodeName; init { _nodeName = value; NodeNameUtf8 = Utf8(value); } }

    public byte[] RuntimeUtf8 { get; private init; } = [];
    public byte[] IdUtf8 { get; private init; } = [];
    public byte[] NameUtf8 { get; private init; } = [];
    public byte[] ImageNameUtf8 { get; private init; } = [];
    public byte[] ImageDigestUtf8 { get; private init; } = [];
    public byte[] PodNameUtf8 { get; private init; } = [];
    public byte[] NamespaceUtf8 { get; private init; } = [];
    public byte[] K8sContainerNameUtf8 { get; private init; } = [];
    public byte[] NodeNameUtf8 { get; private init; } = [];

    private static readonly IReadOnlyDictionary<string, string> EmptyLabels = new Dictionary<string, string>();

    private static byte[] Utf8(string value) => value.Length == 0 ? [] : Encoding.UTF8.GetBytes(value);

    /// <summary>Same metadata (the UTF-8 copies follow from the strings).</summary>
    public bool Equals(ContainerInfo? other) =>
        other is not null && Runtime == other.Runtime && Id == other.Id && Name == other.Name &&
        ImageName == other.ImageName && ImageDigest == other.ImageDigest && Pid == other.Pid &&
        MntnsId == other.MntnsId && NetnsId == other.NetnsId && CgroupPath == other.CgroupPath &&
        RuntimeNamespace == other.RuntimeNamespace && PodName == other.PodName && Namespace == other.Namespace &&
        K8sContainerName == other.K8sContainerName && NodeName == other.NodeName && PodUid == other.PodUid && SandboxId == other.SandboxId &&
        HostNetwork == other.HostNetwork && PodLabels.Count == other.PodLabels.Count &&
        PodLabels.All(l => other.PodLabels.TryGetValue(l.Key, out var v) && v == l.Value);

    public override int GetHashCode() => HashCode.Combine(Id, MntnsId, Name, PodName);

    public override string ToString() => IsPod ? $"{Namespace}/{PodName}/{K8sContainerName}" : $"{Runtime}/{Name}";
}
