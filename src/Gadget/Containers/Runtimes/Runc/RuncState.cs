using System.Text.Json;

namespace Gadget.Containers.Runtimes.Runc;

/// <summary>What runc recorded about a created container (&lt;root&gt;/&lt;id&gt;/state.json) and what
/// its runtime wrote in the bundle (config.json annotations).</summary>
public sealed record RuncState(int InitPid, string Bundle, IReadOnlyDictionary<string, string> Annotations)
{
    public static RuncState? TryRead(string root, string id)
    {
        try
        {
            using var state = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(root, id, "state.json")));
            var pid = state.RootElement.GetProperty("init_process_pid").GetInt32();
            var bundle = "";
            if (state.RootElement.GetProperty("config").TryGetProperty("labels", out var labels))
            {
                foreach (var label in labels.EnumerateArray())
                {
                    var text = label.GetString() ?? "";
                    if (text.StartsWith("bundle=", StringComparison.Ordinal))
                        bundle = text["bundle=".Length..];
                }
            }
            return new RuncState(pid, bundle, bundle.Length > 0 ? ReadAnnotations(bundle) : new Dictionary<string, string>());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private static Dictionary<string, string> ReadAnnotations(string bundle)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(bundle, "config.json")));
            if (config.RootElement.TryGetProperty("annotations", out var annotations))
            {
                foreach (var annotation in annotations.EnumerateObject())
                    result[annotation.Name] = annotation.Value.GetString() ?? "";
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            // No annotations: the container is still described by its id.
        }
        return result;
    }

    /// <summary>The containerd namespace of a shim v2 bundle (/run/containerd/io.containerd.runtime.v2.task/&lt;ns&gt;/&lt;id&gt;), or "".</summary>
    public string ContainerdNamespace
    {
        get
        {
            const string Marker = "io.containerd.runtime.v2.task/";
            var at = Bundle.IndexOf(Marker, StringComparison.Ordinal);
            if (at < 0)
                return "";
            var rest = Bundle[(at + Marker.Length)..];
            var slash = rest.IndexOf('/');
            return slash < 0 ? "" : rest[..slash];
        }
    }
}
