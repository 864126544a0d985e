using System.Runtime.InteropServices;

namespace Gadget.Native;

/// <summary>The cgroup v2 hierarchy, where cgroup programs (cgroup_skb, cgroup/sock_create, ...)
/// attach. A program attached to its root applies to every socket of every process, in every
/// network namespace; the attachment is a bpf_link, so it ends with the process.</summary>
public static class CgroupV2
{
    /// <summary>Where the cgroup v2 root is mounted (/sys/fs/cgroup on unified systems,
    /// /sys/fs/cgroup/unified on hybrid ones), from /proc/self/mountinfo.</summary>
    public static bool TryFindRoot(out string path)
    {
        try
        {
            return TryFindRoot(File.ReadLines("/proc/self/mountinfo"), out path);
        }
        catch (IOException)
        {
            path = "";
            return false;
        }
    }

    /// <summary>The mount point of the first cgroup2 file system mounted at the root of its
    /// hierarchy, among mountinfo lines; false when there is none.</summary>
    public static bool TryFindRoot(IEnumerable<string> mountinfo, out string path)
    {
        foreach (var line in mountinfo)
        {
            if (TryParseCgroup2Mount(line, out var mountPoint, out var root) && root == "/")
            {
                path = mountPoint;
                return true;
            }
        }
        path = "";
        return false;
    }

    /// <summary>Parses one mountinfo line ("36 25 0:30 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw");
    /// true when its file system is cgroup2.</summary>
    public static bool TryParseCgroup2Mount(ReadOnlySpan<char> line, out string mountPoint, out string root)
    {
        mountPoint = root = "";
        var separator = line.IndexOf(" - ", StringComparison.Ordinal);
        if (separator < 0)
            return false;
        var fsType = line[(separator + 3)..];
        var space = fsType.IndexOf(' ');
        if (!(space < 0 ? fsType : fsType[..space]).SequenceEqual("cgroup2"))
            return false;
        Span<Range> fields = stackalloc Range[6];
        var head = line[..separator];
        if (head.Split(fields, ' ') < 5)
            return false;
        root = Unescape(head[fields[3]]);
        mountPoint = Unescape(head[fields[4]]);
        return true;
    }

    /// <summary>Opens a cgroup directory, as cgroup attachments take it.</summary>
    public static FileDescriptorHandle OpenDirectory(string path)
    {
        var fd = Interop.Libc.open(path, Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY | Interop.Libc.O_CLOEXEC);
        if (fd < 0)
            throw SyscallException.FromLastError($"opening cgroup {path}");
        return new FileDescriptorHandle(fd);
    }

    /// <summary>mountinfo writes space, tab, newline and backslash as \040, \011, \012, \134.</summary>
    private static string Unescape(ReadOnlySpan<char> field)
    {
        if (field.IndexOf('\\') < 0)
            return field.ToString();
        var result = new System.Text.StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length &&
                IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                result.Append((char)((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0')));
                i += 3;
            }
            else
            {
                result.Append(field[i]);
            }
        }
        return result.ToString();

        static bool IsOctal(char c) => c is >= '0' and <= '7';
    }
}
