using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Gadget.Containers;

namespace Gadget.Gadgets.Common;

/// <summary>User names for uids, from the /etc/passwd the process itself sees: the host's,
/// or the container's (read through its init process's root). Each file is read once;
/// lookups after that allocate nothing.</summary>
public static class UserNames
{
    // Keyed by mount namespace; the owner tells a reused namespace id from the one cached.
    private static readonly ConcurrentDictionary<ulong, (string Owner, Dictionary<uint, byte[]> Names)> ByMountNamespace = new();

    /// <summary>The name of <paramref name="uid"/> for a process of <paramref name="container"/>
    /// (null: the host), or empty when the passwd file does not name it.</summary>
    public static ReadOnlySpan<byte> Lookup(uint uid, ContainerInfo? container)
    {
        var key = container?.MntnsId ?? 0;
        var owner = container?.Id ?? "";
        if (!ByMountNamespace.TryGetValue(key, out var cached) || cached.Owner != owner)
        {
            var path = container is { Pid: > 0 } c ? $"/proc/{c.Pid}/root/etc/passwd" : "/etc/passwd";
            cached = (owner, Read(path));
            ByMountNamespace[key] = cached;
        }
        return cached.Names.TryGetValue(uid, out var name) ? name : [];
    }

    /// <summary>Parses passwd lines ("name:x:uid:gid:..."); malformed lines are skipped.</summary>
    public static Dictionary<uint, byte[]> Parse(IEnumerable<string> lines)
    {
        var names = new Dictionary<uint, byte[]>();
        foreach (var line in lines)
        {
            var fields = line.Split(':');
            if (fields.Length >= 3 && fields[0].Length > 0 &&
                uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
                names.TryAdd(uid, Encoding.UTF8.GetBytes(fields[0]));
        }
        return names;
    }

    private static Dictionary<uint, byte[]> Read(string path)
    {
        try
        {
            return Parse(File.ReadLines(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
