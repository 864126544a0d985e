using System.Text.Json;
using Gadget.Native;

namespace Gadget.Containers.Runtimes.Runc;

/// <summary>What runc recorded about a created container (&lt;root&gt;/&lt;id&gt;/state.json) and what
/// its runtime wrote in the bundle (config.json annotations). Both are read only when root
/// alone can have written them (<see cref="TrustedFiles"/>): a state that another user put
/// somewhere, naming a real container's init process, must not rename or hide it.</summary>
public sealed record RuncState(int InitPid, string Bundle, IReadOnlyDictionary<string, string> Annotations)
{
    /// <summary>Larger state or config files are refused (runc's are some tens of KiB).</summary>
    internal const int MaxFileBytes = 1024 * 1024;

    /// <summary>The state of container <paramref name="id"/> under runc's --root, or null with
    /// the reason. <paramref name="owner"/> is root but for tests.</summary>
    public static RuncState? TryRead(string root, string id, out string? problem, uint owner = TrustedFiles.Root)
    {
        if (!IsValidId(id))
        {
            problem = $"{id} is not a container id";
            return null;
        }
        if (TrustedFiles.TryRead(Path.Combine(root, id, "state.json"), MaxFileBytes, out problem, owner) is not { } bytes)
            return null;
        try
        {
            using var state = JsonDocument.Parse(bytes);
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
            return new RuncState(pid, bundle, bundle.Length > 0 ? ReadAnnotations(bundle, owner) : new Dictionary<string, string>());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            problem = $"{root}/{id}/state.json: {e.Message}";
            return null;
        }
    }

    /// <summary>runc's rule for container ids (letters, digits, "_+-."), so an id is one path
    /// component and never "." or "..".</summary>
    public static bool IsValidId(string id) =>
        id.Length is > 0 and <= 1024 && id != "." && id != ".." &&
        id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '+' or '-' or '.');

    internal static Dictionary<string, string> ReadAnnotations(string bundle, uint owner = TrustedFiles.Root)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Path.IsPathFullyQualified(bundle) ||
            TrustedFiles.TryRead(Path.Combine(bundle, "config.json"), MaxFileBytes, out _, owner) is not { } bytes)
            return result;
        try
        {
            using var config = JsonDocument.Parse(bytes);
            if (config.RootElement.TryGetProperty("annotations", out var annotations) && annotations.ValueKind == JsonValueKind.Object)
            {
                foreach (var annotation in annotations.EnumerateObject())
                    result[annotation.Name] = annotation.Value.ValueKind == JsonValueKind.String ? annotation.Value.GetString() ?? "" : "";
            }
        }
        catch (JsonException)
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
