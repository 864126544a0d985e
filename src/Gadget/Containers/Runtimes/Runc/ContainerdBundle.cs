using System.Text.Json;
using Gadget.Native;

namespace Gadget.Containers.Runtimes.Runc;

/// <summary>A container's bundle as containerd's shim v2 lays it out
/// (/run/containerd/io.containerd.runtime.v2.task/&lt;namespace&gt;/&lt;id&gt;/config.json), read
/// only where root alone can have written it.</summary>
internal sealed record ContainerdBundle(string Namespace, bool IsSandbox, string Path)
{
    private const string Root = "/run/containerd/io.containerd.runtime.v2.task";

    public static ContainerdBundle? TryFind(string id)
    {
        if (!RuncState.IsValidId(id))
            return null;
        try
        {
            foreach (var ns in Directory.EnumerateDirectories(Root))
            {
                var dir = System.IO.Path.Combine(ns, id);
                var config = System.IO.Path.Combine(dir, "config.json");
                if (!File.Exists(config) || TrustedFiles.TryRead(config, RuncState.MaxFileBytes, out _) is not { } bytes)
                    continue;
                using var json = JsonDocument.Parse(bytes);
                var sandbox = json.RootElement.ValueKind == JsonValueKind.Object &&
                    json.RootElement.TryGetProperty("annotations", out var annotations) && annotations.ValueKind == JsonValueKind.Object &&
                    annotations.TryGetProperty("io.kubernetes.cri.container-type", out var type) &&
                    type.ValueKind == JsonValueKind.String && type.GetString() == "sandbox";
                return new ContainerdBundle(System.IO.Path.GetFileName(ns), sandbox, dir);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            // No bundle to learn from.
        }
        return null;
    }

    /// <summary>What runc's state would say of container <paramref name="id"/> whose init is
    /// <paramref name="pid"/>, from its bundle alone (for a container whose `runc start` was
    /// not seen).</summary>
    public static RuncState? TryFindState(string id, int pid) =>
        TryFind(id) is { } bundle ? new RuncState(pid, bundle.Path, RuncState.ReadAnnotations(bundle.Path)) : null;
}
