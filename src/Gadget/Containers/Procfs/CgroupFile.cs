namespace Gadget.Containers.Procfs;

/// <summary>One line of /proc/&lt;pid&gt;/cgroup: "hierarchy-id:controllers:path".</summary>
public readonly record struct CgroupLine(int HierarchyId, string Controllers, string Path)
{
    /// <summary>Parses a line; false for anything malformed.</summary>
    public static bool TryParse(ReadOnlySpan<char> line, out CgroupLine result)
    {
        result = default;
        var first = line.IndexOf(':');
        if (first <= 0)
            return false;
        var rest = line[(first + 1)..];
        var second = rest.IndexOf(':');
        if (second < 0 || !int.TryParse(line[..first], out var id))
            return false;
        var path = rest[(second + 1)..];
        if (path.IsEmpty || path[0] != '/')
            return false;
        result = new CgroupLine(id, rest[..second].ToString(), path.ToString());
        return true;
    }
}

/// <summary>Reads a process's cgroup membership and recognises the paths container runtimes use.</summary>
public static class CgroupFile
{
    /// <summary>The most telling cgroup path of a process: the unified (v2) one, else the
    /// first v1 hierarchy that is not the root. Null when the process is gone.</summary>
    public static string? ReadPath(int pid)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/{pid}/cgroup");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        string? v1 = null;
        foreach (var line in lines)
        {
            if (!CgroupLine.TryParse(line, out var cgroup))
                continue;
            if (cgroup.HierarchyId == 0 && cgroup.Path != "/")
                return cgroup.Path;
            if (v1 is null && cgroup.Path != "/" && cgroup.Controllers.Length > 0)
                v1 = cgroup.Path;
        }
        return v1 ?? "/";
    }

    /// <summary>Recognises a container in a cgroup path: "/docker/&lt;id&gt;",
    /// ".../docker-&lt;id&gt;.scope", ".../cri-containerd-&lt;id&gt;.scope", "/kubepods/.../&lt;id&gt;",
    /// ".../crio-&lt;id&gt;.scope", ".../libpod-&lt;id&gt;.scope" and similar, where the id is 64 hex digits.</summary>
    public static bool TryParseContainer(ReadOnlySpan<char> path, out string runtime, out string id)
    {
        runtime = id = "";
        foreach (var range in path.Split('/'))
        {
            var segment = path[range];
            if (segment.EndsWith(".scope"))
                segment = segment[..^".scope".Length];
            var dash = segment.LastIndexOf('-');
            var candidate = dash >= 0 ? segment[(dash + 1)..] : segment;
            if (candidate.Length != 64 || !IsHex(candidate))
                continue;
            id = candidate.ToString();
            var prefix = dash >= 0 ? segment[..dash] : [];
            runtime = prefix switch
            {
                "docker" => "docker",
                "cri-containerd" => "containerd",
                "crio" => "cri-o",
                "libpod" => "podman",
                _ => path.Contains("/docker/", StringComparison.Ordinal) ? "docker" : "unknown",
            };
        }
        return id.Length > 0;
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigitLower(c))
                return false;
        }
        return true;
    }
}
