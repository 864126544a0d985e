using System.Text;

namespace Gadget.Containers;

/// <summary>A container (and its pod, when a Kubernetes runtime made it), keyed by the id of
/// its mount namespace. Names are also kept as UTF-8 so output copies them without encoding.</summary>
public sealed class ContainerInfo
{
    public required string Runtime { get; init; }
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string ImageName { get; init; } = "";
    public string ImageDigest { get; init; } = "";
    public uint Pid { get; init; }
    public ulong MntnsId { get; init; }
    public ulong NetnsId { get; init; }
    public string CgroupPath { get; init; } = "";

    /// <summary>Kubernetes metadata, from the CRI labels of the container and its sandbox.</summary>
    public string PodName { get; init; } = "";
    public string Namespace { get; init; } = "";
    public string PodUid { get; init; } = "";
    public string K8sContainerName { get; init; } = "";
    public bool HostNetwork { get; init; }
    public IReadOnlyDictionary<string, string> PodLabels { get; init; } = new Dictionary<string, string>();

    public bool IsPod => PodName.Length > 0;

    public byte[] RuntimeUtf8 => _runtimeUtf8 ??= Encoding.UTF8.GetBytes(Runtime);
    public byte[] IdUtf8 => _idUtf8 ??= Encoding.UTF8.GetBytes(Id);
    public byte[] NameUtf8 => _nameUtf8 ??= Encoding.UTF8.GetBytes(Name);
    public byte[] ImageNameUtf8 => _imageNameUtf8 ??= Encoding.UTF8.GetBytes(ImageName);
    public byte[] ImageDigestUtf8 => _imageDigestUtf8 ??= Encoding.UTF8.GetBytes(ImageDigest);
    public byte[] PodNameUtf8 => _podNameUtf8 ??= Encoding.UTF8.GetBytes(PodName);
    public byte[] NamespaceUtf8 => _namespaceUtf8 ??= Encoding.UTF8.GetBytes(Namespace);
    public byte[] K8sContainerNameUtf8 => _k8sContainerNameUtf8 ??= Encoding.UTF8.GetBytes(K8sContainerName);

    private byte[]? _runtimeUtf8, _idUtf8, _nameUtf8, _imageNameUtf8, _imageDigestUtf8, _podNameUtf8, _namespaceUtf8, _k8sContainerNameUtf8;

    public override string ToString() => IsPod ? $"{Namespace}/{PodName}/{K8sContainerName}" : $"{Runtime}/{Name}";
}
