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

    public static EventField RuntimeName { get; } = Container("runtime.runtimeName", 10, c => c.RuntimeUtf8);
    public static EventField ContainerId { get; } = Container("runtime.containerId", 13, c => c.IdUtf8);
    public static EventField ContainerName { get; } = Container("runtime.containerName", 20, c => c.NameUtf8);
    public static EventField ContainerImageName { get; } = Container("runtime.containerImageName", 30, c => c.ImageNameUtf8);
    public static EventField ContainerImageDigest { get; } = Container("runtime.containerImageDigest", 30, c => c.ImageDigestUtf8);

    public static EventField K8sNode { get; } = new CustomField("k8s.node", static (in EventRecord r, IFieldSink s) => s.Text(NodeName.Current))
    { Width = 20 };
    public static EventField K8sNamespace { get; } = Container("k8s.namespace", 20, c => c.NamespaceUtf8);
    public static EventField K8sPodName { get; } = Container("k8s.podName", 30, c => c.PodNameUtf8);
    public static EventField K8sContainerName { get; } = Container("k8s.containerName", 20, c => c.K8sContainerNameUtf8);

    public static EventField K8sPodLabels { get; } = new CustomField("k8s.podLabels", static (in EventRecord r, IFieldSink s) =>
    {
        if (r.Container is not { PodLabels.Count: > 0 } container)
            return;
        s.BeginMap();
        foreach (var (key, value) in container.PodLabels)
            s.MapEntry(key, value);
        s.EndMap();
    })
    { Width = 30, ListSeparator = "," };

    /// <summary>All common fields, in JSON order.</summary>
    public static IReadOnlyList<EventField> All { get; } =
    [
        RuntimeName, ContainerId, ContainerName, ContainerImageName, ContainerImageDigest,
        K8sNode, K8sNamespace, K8sPodName, K8sContainerName, K8sPodLabels,
        Timestamp, Type, MountNamespace,
    ];

    private static EventField Container(string name, int width, Func<Containers.ContainerInfo, byte[]> value) =>
        new CustomField(name, (in EventRecord r, IFieldSink s) =>
        {
            if (r.Container is { } container)
                s.Utf8(value(container));
        })
        { Width = width };
}
