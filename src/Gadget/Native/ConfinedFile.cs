using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Gadget.Native;

/// <summary>Opens files of another root (a container's, through /proc/PID/root) as that root
/// sees them, and nothing else: every component is resolved inside the root, so an absolute
/// symlink or ".." cannot reach a host file; magic links (/proc/self/...) are refused; the open
/// never blocks (O_NONBLOCK: a FIFO opens at once) and only a regular file within the size
/// limit is returned. The path is first resolved to an O_PATH descriptor, which opens
/// nothing; only a regular file is then opened for reading (through /proc/self/fd), so no
/// FIFO, device (a watchdog arms itself when opened) or socket is ever opened. Uses openat2 with
/// RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS where the kernel has it (5.6+), else walks the
/// path one component at a time with O_NOFOLLOW, resolving each symlink against the root itself.</summary>
public static unsafe class ConfinedFile
{
    /// <summary>Symlinks followed in one resolution at most (the kernel's own limit).</summary>
    public const int MaxSymlinks = 40;

    private const int ELOOP = 40;
    private const int EAGAIN = 11;
    private const int ENOSYS = 38;
    private const int EINVAL = 22;
    private const int E2BIG = 7;
    private const int ENOTDIR = 20;

    private static volatile bool _noOpenat2;

    /// <summary>Tests set it to exercise the component walk on a kernel that has openat2.</summary>
    internal static bool ForceComponentWalk { get; set; }

    /// <summary>Opens <paramref name="path"/> (absolute, as the root sees it) inside the directory
    /// <paramref name="root"/> (such as "/proc/1234/root"). Null, with the reason in
    /// <paramref name="problem"/>, when it is missing, not a regular file, larger than
    /// <paramref name="maxBytes"/>, or resolves through a loop.</summary>
    public static SafeFileHandle? OpenRegular(string root, string path, long maxBytes, out string? problem)
    {
        problem = null;
        if (path.Contains('\0', StringComparison.Ordinal) || root.Contains('\0', StringComparison.Ordinal))
        {
            problem = "a path with a NUL byte";
            return null;
        }
        var rootFd = OpenPath(root, Interop.Libc.O_PATH | Interop.Libc.O_DIRECTORY | Interop.Libc.O_CLOEXEC);
        if (rootFd < 0)
        {
            problem = Describe(Marshal.GetLastPInvokeError());
            return null;
        }
        try
        {
            var fd = -1;
            var errno = 0;
            if (!ForceComponentWalk && !_noOpenat2)
            {
                fd = Openat2(rootFd, path, out errno);
                if (fd < 0 && errno is ENOSYS or EINVAL or E2BIG)
                {
                    _noOpenat2 = true; // an older kernel: walk from now on
                    fd = -1;
                }
                else if (fd < 0)
                {
                    problem = Describe(errno);
                    return null;
                }
            }
            if (fd < 0)
            {
                fd = Walk(rootFd, path, out errno);
                if (fd < 0)
                {
                    problem = Describe(errno);
                    return null;
                }
            }
            return Reopen(fd, maxBytes, out problem);
        }
        finally
        {
            Interop.Libc.close(rootFd);
        }
    }

    /// <summary>Opens a path as it is (a /proc/PID/map_files magic link, a host file) for reading,
    /// without blocking, and only when it is a regular file within <paramref name="maxBytes"/>.</summary>
    public static SafeFileHandle? OpenRegular(string path, long maxBytes, out string? problem)
    {
        problem = null;
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            problem = "a path with a NUL byte";
            return null;
        }
        var fd = OpenPath(path, Interop.Libc.O_PATH | Interop.Libc.O_CLOEXEC);
        if (fd < 0)
        {
            problem = Describe(Marshal.GetLastPInvokeError());
            return null;
        }
        return Reopen(fd, maxBytes, out problem);
    }

    /// <summary>The whole of a file opened by <see cref="OpenRegular(string, string, long, out string?)"/>,
    /// read up to <paramref name="maxBytes"/>; null (with the reason) when it is more.</summary>
    public static byte[]? ReadAll(string root, string path, int maxBytes, out string? problem)
    {
        using var file = OpenRegular(root, path, maxBytes, out problem);
        if (file is null)
            return null;
        var buffer = new byte[Math.Min(maxBytes + 1L, Math.Max(RandomAccess.GetLength(file), 0) + 1)];
        var length = 0;
        fixed (byte* p = buffer)
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length > maxBytes)
                    {
                        problem = $"larger than {maxBytes} bytes";
                        return null;
                    }
                    break; // read what fstat promised; one more read decides whether it grew
                }
                var read = Interop.Libc.pread((int)file.DangerousGetHandle(), p + length, (nuint)(buffer.Length - length), length);
                if (read < 0)
                {
                    problem = Describe(Marshal.GetLastPInvokeError());
                    return null;
                }
                if (read == 0)
                    break;
                length += (int)read;
            }
        }
        return buffer.AsSpan(0, length).ToArray();
    }

    private const int ReadFlags = Interop.Libc.O_RDONLY | Interop.Libc.O_NONBLOCK | Interop.Libc.O_CLOEXEC | Interop.Libc.O_NOCTTY;

    private static int Openat2(int rootFd, string path, out int errno)
    {
        var how = new Interop.Libc.open_how
        {
            flags = Interop.Libc.O_PATH | Interop.Libc.O_CLOEXEC,
            resolve = Interop.Libc.RESOLVE_IN_ROOT | Interop.Libc.RESOLVE_NO_MAGICLINKS,
        };
        var bytes = Utf8(path);
        // EAGAIN: a rename raced the resolution of ".."; the kernel asks to try again.
        for (var attempt = 0; ; attempt++)
        {
            long fd;
            fixed (byte* p = bytes)
                fd = Interop.Libc.syscall_openat2(Interop.Libc.SYS_openat2, rootFd, p, &how, (nuint)sizeof(Interop.Libc.open_how));
            errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
            if (fd >= 0 || errno != EAGAIN || attempt == 3)
                return (int)fd;
        }
    }

    /// <summary>Resolves <paramref name="path"/> below <paramref name="rootFd"/> one component at
    /// a time: each is opened with O_PATH | O_NOFOLLOW; a symlink's target is read and resolved
    /// in its turn (an absolute one from the root), ".." never goes above the root, and the last
    /// component is returned as its O_PATH descriptor.</summary>
    internal static int Walk(int rootFd, string path, out int errno)
    {
        var pending = new List<string>(Components(path));
        var dirs = new List<int> { rootFd };
        var symlinks = 0;
        try
        {
            while (pending.Count > 0)
            {
                var name = pending[0];
                pending.RemoveAt(0);
                if (name == "..")
                {
                    if (dirs.Count > 1)
                    {
                        Interop.Libc.close(dirs[^1]);
                        dirs.RemoveAt(dirs.Count - 1);
                    }
                    continue;
                }
                var parent = dirs[^1];
                var fd = OpenAt(parent, name, Interop.Libc.O_PATH | Interop.Libc.O_NOFOLLOW | Interop.Libc.O_CLOEXEC);
                if (fd < 0)
                {
                    errno = Marshal.GetLastPInvokeError();
                    return -1;
                }
                var mode = TypeOf(fd);
                if (mode == Interop.Libc.S_IFLNK)
                {
                    var target = ReadLink(fd);
                    Interop.Libc.close(fd);
                    if (++symlinks > MaxSymlinks || target is null)
                    {
                        errno = ELOOP;
                        return -1;
                    }
                    if (target.StartsWith('/'))
                    {
                        foreach (var dir in dirs.Skip(1))
                            Interop.Libc.close(dir);
                        dirs.RemoveRange(1, dirs.Count - 1);
                    }
                    pending.InsertRange(0, Components(target));
                    continue;
                }
                if (mode == Interop.Libc.S_IFDIR)
                {
                    dirs.Add(fd);
                    continue;
                }
                if (pending.Count > 0)
                {
                    Interop.Libc.close(fd);
                    errno = ENOTDIR;
                    return -1;
                }
                errno = 0;
                return fd;
            }
            // The path named a directory (or the root itself).
            errno = 21; // EISDIR
            return -1;
        }
        finally
        {
            foreach (var dir in dirs.Skip(1))
                Interop.Libc.close(dir);
        }
    }

    private static IEnumerable<string> Components(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(c => c != ".");

    /// <summary>Opens for reading what the O_PATH descriptor <paramref name="pathFd"/> refers to
    /// (and closes it), if that is a regular file within <paramref name="maxBytes"/>. The reopen
    /// goes through /proc/self/fd: the very inode checked, whatever was renamed meanwhile.</summary>
    private static SafeFileHandle? Reopen(int pathFd, long maxBytes, out string? problem)
    {
        try
        {
            if (TypeOf(pathFd) != Interop.Libc.S_IFREG)
            {
                problem = "not a regular file";
                return null;
            }
            var fd = OpenPath($"/proc/self/fd/{pathFd}", ReadFlags);
            if (fd < 0)
            {
                problem = Describe(Marshal.GetLastPInvokeError());
                return null;
            }
            return CheckRegular(fd, maxBytes, out problem);
        }
        finally
        {
            Interop.Libc.close(pathFd);
        }
    }

    private static SafeFileHandle? CheckRegular(int fd, long maxBytes, out string? problem)
    {
        Interop.Libc.statx_t stat;
        var empty = (byte)0;
        if (Interop.Libc.statx(fd, &empty, Interop.Libc.AT_EMPTY_PATH, Interop.Libc.STATX_TYPE | Interop.Libc.STATX_SIZE, &stat) != 0)
        {
            problem = Describe(Marshal.GetLastPInvokeError());
            Interop.Libc.close(fd);
            return null;
        }
        if ((stat.stx_mode & Interop.Libc.S_IFMT) != Interop.Libc.S_IFREG)
        {
            problem = "not a regular file";
            Interop.Libc.close(fd);
            return null;
        }
        if (stat.stx_size > (ulong)maxBytes)
        {
            problem = $"larger than {maxBytes} bytes";
            Interop.Libc.close(fd);
            return null;
        }
        problem = null;
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    private static ushort TypeOf(int fd)
    {
        Interop.Libc.statx_t stat;
        var empty = (byte)0;
        return Interop.Libc.statx(fd, &empty, Interop.Libc.AT_EMPTY_PATH | Interop.Libc.AT_SYMLINK_NOFOLLOW, Interop.Libc.STATX_TYPE, &stat) == 0
            ? (ushort)(stat.stx_mode & Interop.Libc.S_IFMT)
            : (ushort)0;
    }

    private static string? ReadLink(int fd)
    {
        var buffer = stackalloc byte[4096];
        var empty = (byte)0;
        var length = Interop.Libc.readlinkat(fd, &empty, buffer, 4096);
        return length is <= 0 or >= 4096 ? null : Encoding.UTF8.GetString(buffer, (int)length);
    }

    private static int OpenAt(int dirFd, string name, int flags)
    {
        var bytes = Utf8(name);
        fixed (byte* p = bytes)
            return Interop.Libc.openat(dirFd, p, flags);
    }

    private static int OpenPath(string path, int flags)
    {
        var bytes = Utf8(path);
        fixed (byte* p = bytes)
            return Interop.Libc.open_bytes(p, flags);
    }

    /// <summary>NUL-terminated UTF-8.</summary>
    private static byte[] Utf8(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    private static string Describe(int errno) => errno switch
    {
        ELOOP => "a symlink loop, a symlink leaving it, or a magic link",
        ENOTDIR => "a path through something that is not a directory",
        _ => Marshal.GetPInvokeErrorMessage(errno),
    };
}
