using System.Text.Json;

namespace Gadget.Containers.Runtimes.Runc;

/// <summary>A container's bundle as containerd's shim v2 lays it out
/// (/run/containerd/io.containerd.runtime.v2.task/&lt;namespace&gt;/&lt;id&gt;/config.json).</summary>
internal sealed record ContainerdBundle(string Namespace, bool IsSandbox)
{
    private const string Root = "/run/containerd/io.containerd.runtime.v2.task";

    public static ContainerdBundle? TryFind(string id)
    {
        try
        {
            foreach (var ns in Directory.EnumerateDirectories(Root))
            {
                var config = Path.Combine(ns, id, "config.json");
                if (!File.Exists(config))
                    continue;
                using var json = JsonDocument.Parse(File.ReadAllBytes(config));
                var sandbox = json.RootElement.TryGetProperty("annotations", out var annotations) &&
                    annotations.TryGetProperty("io.kubernetes.cri.container-type", out var type) &&
                    type.GetString() == "sandbox";
                return new ContainerdBundle(Path.GetFileName(ns), sandbox);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            // No bundle to learn from.
        }
        return null;
    }
}
