using System.Text.Json;

namespace Gadget.Containers.Runtimes.Docker;

/// <summary>What Docker stored about a container when it created it
/// (&lt;data root&gt;/containers/&lt;id&gt;/config.v2.json and hostconfig.json): on disk before
/// the container starts, so it names a container whose "create" event has not arrived yet.</summary>
internal sealed record DockerContainerConfig(string Name, string ImageName, string ImageId, bool HostNetwork)
{
    /// <summary>Docker's data root unless its /info says otherwise (DockerRootDir).</summary>
    public const string DefaultDataRoot = "/var/lib/docker";

    /// <summary>Null when the files are missing (not a Docker container, or removed) or unreadable.</summary>
    public static DockerContainerConfig? TryRead(string dataRoot, string id)
    {
        var dir = Path.Combine(dataRoot, "containers", id);
        try
        {
            using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "config.v2.json")));
            var root = config.RootElement;
            var name = root.TryGetProperty("Name", out var n) ? (n.GetString() ?? "").TrimStart('/') : "";
            var image = root.TryGetProperty("Config", out var c) && c.TryGetProperty("Image", out var i) ? i.GetString() ?? "" : "";
            var imageId = root.TryGetProperty("Image", out var d) ? d.GetString() ?? "" : "";
            return new DockerContainerConfig(name, image, imageId, ReadNetworkMode(dir) == "host");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string ReadNetworkMode(string dir)
    {
        try
        {
            using var hostConfig = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "hostconfig.json")));
            return hostConfig.RootElement.TryGetProperty("NetworkMode", out var mode) ? mode.GetString() ?? "" : "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException)
        {
            return ""; // the network mode is an extra; the name is what matters
        }
    }
}
