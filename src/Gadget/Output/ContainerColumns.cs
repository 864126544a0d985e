using System.Globalization;
using Gadget.Containers;
using Gadget.Gadgets;

namespace Gadget.Output;

/// <summary>The columns `ig list-containers` can show: its default ones, named after their
/// headers (RUNTIME is runtime), then the JSON fields that have no default column, named by
/// their JSON path. Every column also answers to its JSON path (name is runtime.containerName).</summary>
public static class ContainerColumns
{
    private static readonly ContainerColumn[] DefaultColumns =
    [
        new("runtime", "runtime.runtimeName", "RUNTIME", 10, c => c.Runtime),
        // Docker's short id: enough to tell containers apart, as `docker ps` shows them.
        new("id", "runtime.containerId", "ID", 13, c => c.Id.Length > 13 ? c.Id[..13] : c.Id),
        new("name", "runtime.containerName", "NAME", 24, c => c.Name),
        new("namespace", "k8s.namespace", "NAMESPACE", 16, c => c.Namespace),
        new("pod", "k8s.podName", "POD", 24, c => c.PodName),
        new("pid", "runtime.containerPID", "PID", 8, c => c.Pid.ToString(CultureInfo.InvariantCulture)),
        new("mntns", "mntns", "MNTNS", 11, c => c.MntnsId.ToString(CultureInfo.InvariantCulture)),
        new("image", "runtime.containerImageName", "IMAGE", 30, c => c.ImageName),
    ];

    private static readonly ContainerColumn[] JsonOnlyColumns =
    [
        JsonColumn("runtime.containerImageDigest", 30, c => c.ImageDigest),
        JsonColumn("k8s.containerName", 20, c => c.K8sContainerName),
        JsonColumn("k8s.podUID", 36, c => c.PodUid),
        JsonColumn("k8s.hostNetwork", 5, c => c.HostNetwork ? "true" : "false"),
        JsonColumn("k8s.podLabels", 30, c => string.Join(',', c.PodLabels.Select(l => $"{l.Key}={l.Value}"))),
        JsonColumn("netns", 11, c => c.NetnsId.ToString(CultureInfo.InvariantCulture)),
        JsonColumn("cgroupPath", 40, c => c.CgroupPath),
    ];

    public static IReadOnlyList<ContainerColumn> Default => DefaultColumns;

    public static IReadOnlyList<ContainerColumn> All { get; } = [.. DefaultColumns, .. JsonOnlyColumns];

    /// <summary>The columns for names (either kind, in any case), or a <see cref="GadgetException"/>
    /// naming the unknown one and listing the valid names, as gadgets do.</summary>
    public static IReadOnlyList<ContainerColumn> Select(IEnumerable<string> names) =>
        names.Select(name => All.FirstOrDefault(c => Named(c, name))
            ?? throw EventSchema.UnknownColumn(name, All.Select(c => c.Name))).ToArray();

    private static bool Named(ContainerColumn column, string name) =>
        string.Equals(column.Name, name, StringComparison.OrdinalIgnoreCase) || string.Equals(column.JsonPath, name, StringComparison.OrdinalIgnoreCase);

    private static ContainerColumn JsonColumn(string jsonPath, int width, Func<ContainerInfo, string> value) =>
        new(jsonPath, jsonPath, jsonPath.ToUpperInvariant(), width, value);
}
