using System.Runtime.InteropServices;
using System.Text;

namespace Gadget.Native;

/// <summary>Where a regular file is: the kernel's dev_t of its file system (MAJOR &lt;&lt; 20 |
/// MINOR, as BPF programs see it in an inode's superblock) and its inode number.</summary>
public readonly record struct FileIdentity(uint KernelDevice, ulong Inode);

/// <summary>Reads files that only a trusted owner (root) can have written, without being
/// misled or stalled by anyone else: every directory on the way must belong to the owner and
/// be writable by no one else (unless sticky, as /tmp: then others cannot replace the owner's
/// entries); each component is opened with O_NOFOLLOW relative to the previous one, so nothing
/// can be swapped in between, and a symbolic link on the way is followed only if it is the
/// owner's (its target then walked the same way); the file itself must not be a link, and must be a
/// regular file of the owner, writable only by it and small. A FIFO, a device or a socket is
/// refused without being opened for reading (it is looked at through an O_PATH descriptor
/// first), so nothing here can block.</summary>
public static unsafe class TrustedFiles
{
    /// <summary>Root.</summary>
    public const uint Root = 0;

    /// <summary>The contents of <paramref name="path"/> (absolute) if it passes
    /// the checks and has at most <paramref name="maxBytes"/> bytes; otherwise null, and
    /// <paramref name="problem"/> says why.</summary>
    public static byte[]? TryRead(string path, int maxBytes, out string? problem, uint owner = Root)
    {
        var fd = OpenChecked(path, owner, out var stat, out problem);
        if (fd < 0)
            return null;
        try
        {
            if (stat.st_size > maxBytes)
            {
                problem = $"{path} has {stat.st_size} bytes, more than {maxBytes}";
                return null;
            }
            var buffer = new byte[(int)stat.st_size + 1];
            var total = 0;
            fixed (byte* p = buffer)
            {
                while (total < buffer.Length)
                {
                    var n = Interop.Libc.read(fd, p + total, (nuint)(buffer.Length - total));
                    if (n < 0)
                    {
                        problem = $"{path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}";
                        return null;
                    }
                    if (n == 0)
                        break;
                    total += (int)n;
                }
            }
            if (total > maxBytes)
            {
                problem = $"{path} grew past {maxBytes} bytes";
                return null;
            }
            return buffer.AsSpan(0, total).ToArray();
        }
        finally
        {
            Interop.Libc.close(fd);
        }
    }

    /// <summary>The identity of <paramref name="path"/> if it passes the same checks as
    /// <see cref="TryRead"/> (a trusted binary to watch), or null.</summary>
    public static FileIdentity? TryIdentify(string path, out string? problem, uint owner = Root)
    {
        var fd = OpenChecked(path, owner, out var stat, out problem);
        if (fd < 0)
            return null;
        Interop.Libc.close(fd);
        return new FileIdentity(KernelDevice(stat.st_dev), stat.st_ino);
    }

    /// <summary>glibc's dev_t encoding to the kernel's.</summary>
    internal static uint KernelDevice(ulong dev)
    {
        var major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffUL);
        var minor = (dev & 0xff) | ((dev >> 12) & ~0xffUL);
        return (uint)((major << 20) | (minor & 0xfffff));
    }

    private const int MaxLinks = 16;

    private static int OpenChecked(string path, uint owner, out Interop.Libc.stat_t stat, out string? problem)
    {
        stat = default;
        problem = null;
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (!path.StartsWith('/') || parts.Length == 0 || parts[^1] is "." or "..")
        {
            problem = $"{path} is not an absolute path to a file";
            return -1;
        }
        // The directories walked so far, "/" first: ".." (in a link's target) goes back one.
        var dirs = new Stack<int>();
        try
        {
            if (!OpenRoot(dirs, owner, out problem))
                return -1;
            var todo = new Stack<string>(parts[..^1].Reverse());
            var links = 0;
            while (todo.TryPop(out var part))
            {
                if (part == ".")
                    continue;
                if (part == "..")
                {
                    if (dirs.Count > 1)
                        Interop.Libc.close(dirs.Pop());
                    continue;
                }
                var next = OpenAt(dirs.Peek(), part, Interop.Libc.O_PATH | Interop.Libc.O_NOFOLLOW);
                if (next < 0)
                {
                    problem = $"{path}: {part}: {Error()}";
                    return -1;
                }
                if (!Stat(next, out var info))
                {
                    Interop.Libc.close(next);
                    problem = $"{path}: {part}: {Error()}";
                    return -1;
                }
                var type = info.st_mode & Interop.Libc.S_IFMT;
                if (type == Interop.Libc.S_IFLNK)
                {
                    Interop.Libc.close(next);
                    // A link in a directory of the owner's that only the owner can write: it
                    // is the owner's say (/var/run -> /run). Its target is walked as checked.
                    if ((info.st_uid != owner && info.st_uid != Root) || ++links > MaxLinks ||
                        ReadLink(dirs.Peek(), part) is not { Length: > 0 } target)
                    {
                        problem = $"{path}: {part} is a link that is not to be followed";
                        return -1;
                    }
                    if (target.StartsWith('/'))
                    {
                        while (dirs.Count > 1)
                            Interop.Libc.close(dirs.Pop());
                    }
                    foreach (var piece in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
                        todo.Push(piece);
                    continue;
                }
                dirs.Push(next);
                if (type != Interop.Libc.S_IFDIR)
                {
                    problem = $"{path}: {part} is not a directory";
                    return -1;
                }
                if (!CheckDirectory(info, part, owner, out problem))
                    return -1;
            }
            return OpenFile(dirs.Peek(), path, parts[^1], owner, out stat, out problem);
        }
        finally
        {
            while (dirs.TryPop(out var fd))
                Interop.Libc.close(fd);
        }
    }

    private static bool OpenRoot(Stack<int> dirs, uint owner, out string? problem)
    {
        problem = null;
        var root = OpenAt(Interop.Libc.AT_FDCWD, "/", Interop.Libc.O_PATH | Interop.Libc.O_DIRECTORY);
        if (root < 0)
        {
            problem = "cannot open /";
            return false;
        }
        dirs.Push(root);
        if (!Stat(root, out var info))
        {
            problem = $"/: {Error()}";
            return false;
        }
        return CheckDirectory(info, "/", owner, out problem);
    }

    /// <summary>The file itself, looked at before it is opened for reading: opening a FIFO
    /// could block, a device could do anything.</summary>
    private static int OpenFile(int dir, string path, string name, uint owner, out Interop.Libc.stat_t stat, out string? problem)
    {
        stat = default;
        problem = null;
        var look = OpenAt(dir, name, Interop.Libc.O_PATH | Interop.Libc.O_NOFOLLOW);
        if (look < 0)
        {
            problem = $"{path}: {Error()}";
            return -1;
        }
        Interop.Libc.stat_t seen;
        try
        {
            if (!Stat(look, out seen) || (seen.st_mode & Interop.Libc.S_IFMT) != Interop.Libc.S_IFREG)
            {
                problem = $"{path} is not a regular file";
                return -1;
            }
            if (seen.st_uid != owner || (seen.st_mode & 0x12) != 0)
            {
                problem = $"{path} is not {Whose(owner)} alone (owner {seen.st_uid}, mode {Convert.ToString(seen.st_mode & 0xfff, 8)})";
                return -1;
            }
        }
        finally
        {
            Interop.Libc.close(look);
        }
        var fd = OpenAt(dir, name, Interop.Libc.O_RDONLY | Interop.Libc.O_NOFOLLOW | Interop.Libc.O_NONBLOCK | Interop.Libc.O_NOCTTY);
        if (fd < 0)
        {
            problem = $"{path}: {Error()}";
            return -1;
        }
        // The same file as the one checked, not one renamed in meanwhile.
        if (!Stat(fd, out stat) || stat.st_dev != seen.st_dev || stat.st_ino != seen.st_ino)
        {
            Interop.Libc.close(fd);
            problem = $"{path} changed while it was opened";
            return -1;
        }
        return fd;
    }

    private static string? ReadLink(int dir, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name + "\0");
        var target = new byte[4096];
        nint length;
        fixed (byte* p = bytes)
        fixed (byte* t = target)
            length = Interop.Libc.readlinkat(dir, p, t, (nuint)target.Length);
        return length > 0 && length < target.Length ? Encoding.UTF8.GetString(target, 0, (int)length) : null;
    }

    private static bool CheckDirectory(Interop.Libc.stat_t stat, string path, uint owner, out string? problem)
    {
        problem = null;
        // Root's directories (/, /run) lead to the owner's too.
        if (stat.st_uid != owner && stat.st_uid != Root)
        {
            problem = $"{path} belongs to uid {stat.st_uid}";
            return false;
        }
        if ((stat.st_mode & 0x12) != 0 && (stat.st_mode & Interop.Libc.S_ISVTX) == 0)
        {
            problem = $"{path} can be written by others (mode {Convert.ToString(stat.st_mode & 0xfff, 8)})";
            return false;
        }
        return true;
    }

    private static string Whose(uint owner) => owner == Root ? "root's" : $"uid {owner}'s";

    private static bool Stat(int fd, out Interop.Libc.stat_t stat)
    {
        fixed (Interop.Libc.stat_t* p = &stat)
            return Interop.Libc.fstat(fd, p) == 0;
    }

    private static int OpenAt(int dir, string name, int flags)
    {
        var bytes = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* p = bytes)
            return Interop.Libc.openat(dir, p, flags | Interop.Libc.O_CLOEXEC);
    }

    private static string Error() => Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
}
