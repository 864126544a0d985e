namespace Gadget.Gadgets;

/// <summary>Fields every event has, whatever the gadget: when, which kind of record, and the
/// container and pod it came from. JSON names follow the reference's.</summary>
public static class CommonFields
{
    public static EventField Timestamp { get; } = new CustomField("timestamp",
        static (in EventRecord r, IFieldSink s) => s.Timestamp(r.TimestampUnixNs))
    { Width = 35, Description = "When the event happened" };

    public static EventField Type { get; } = new CustomField("type",
        static (in EventRecord r, IFieldSink s) => s.Utf8("normal"u8))
    { Visibility = FieldVisibility.JsonOnly };

    public static EventField MountNamespace { get; } = new UIntField("mntns", static (in EventRecord r) => r.Header.MntnsId)
    { JsonPath = "mountnsid", Width = 12, Description = "Mount namespace id of the process" };

    public static EventField RuntimeName { get; } = ContainerText("runtime.runtimeName", 10, c => c.RuntimeUtf8);
    public static EventField ContainerId { get; } = ContainerText("runtime.containerId", 13, c => c.IdUtf8);
    public static EventField ContainerName { get; } = ContainerText("runtime.containerName", 20, c => c.NameUtf8);
    public static EventField ContainerImageName { get; } = ContainerText("runtime.containerImageName", 30, c => c.ImageNameUtf8);
    public static EventField ContainerImageDigest { get; } = ContainerText("runtime.containerImageDigest", 30, c => c.ImageDigestUtf8);

    /// <summary>The container's name as its owner knows it: the Kubernetes container name in a
    /// pod, the runtime's name otherwise. Columns only; JSON has both.</summary>
    public static EventField Container { get; } = new CustomField("container", static (in EventRecord r, IFieldSink s) =>
    {
        if (r.Container is { } c)
            s.Utf8(c.IsPod ? c.K8sContainerNameUtf8 : c.NameUtf8);
    })
    {
        Width = 20,
        Visibility = FieldVisibility.ColumnsOnly,
        SortText = static (in EventRecord r) => r.Container is { } c ? (c.IsPod ? c.K8sContainerNameUtf8 : c.NameUtf8) : [],
    };

    public static EventField K8sNode { get; } = ContainerText("k8s.node", 20, c => c.NodeNameUtf8, "NODE");
    public static EventField K8sNamespace { get; } = ContainerText("k8s.namespace", 20, c => c.NamespaceUtf8, "NAMESPACE");
    public static EventField K8sPodName { get; } = ContainerText("k8s.podName", 30, c => c.PodNameUtf8, "POD");
    public static EventField K8sContainerName { get; } = ContainerText("k8s.containerName", 20, c => c.K8sContainerNameUtf8);

    public static EventField K8sPodLabels { get; } = new CustomField("k8s.podLabels", static (in EventRecord r, IFieldSink s) =>
    {
        if (r.Container is not { PodLabels.Count: > 0 } container)
            return;
        s.BeginMap();
        // Through the interface the enumerator is boxed, once per event: use the struct one.
        if (container.PodLabels is Dictionary<string, string> labels)
        {
            foreach (var (key, value) in labels)
                s.MapEntry(key, value);
        }
        else
        {
            foreach (var (key, value) in container.PodLabels)
                s.MapEntry(key, value);
        }
        s.EndMap();
    })
    { Width = 30, ListSeparator = "," };

    /// <summary>All common fields, in JSON order.</summary>
    public static IReadOnlyList<EventField> All { get; } =
    [
        RuntimeName, ContainerId, ContainerName, ContainerImageName, ContainerImageDigest,
        K8sNode, K8sNamespace, K8sPodName, K8sContainerName, K8sPodLabels,
        Timestamp, Type, MountNamespace, Container,
    ];

    /// <summary>The default columns that say where an event came from: the container, and the
    /// namespace and pod when pods are involved.</summary>
    public static IReadOnlyList<string> PlacementColumns(bool pods) =>
        pods ? ["k8s.namespace", "k8s.podName", "container"] : ["container"];

    private static EventField ContainerText(string name, int width, Func<Containers.ContainerInfo, byte[]> value, string? header = null) =>
        new CustomField(name, (in EventRecord r, IFieldSink s) =>
        {
            if (r.Container is { } container)
                s.Utf8(value(container));
        })
        {
            Width = width,
            Header = header ?? name.ToUpperInvariant(),
            SortText = (in EventRecord r) => r.Container is { } container ? value(container) : [],
        };
}
