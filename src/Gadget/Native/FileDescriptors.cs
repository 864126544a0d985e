namespace Gadget.Native;

/// <summary>Checks on plain file descriptors that .NET does not offer.</summary>
public static unsafe class FileDescriptors
{
    /// <summary>True when <paramref name="fd"/> is open for writing. Started with stdout closed,
    /// a process finds its fd 1 reused by whatever was opened first (the .NET runtime keeps
    /// /dev/urandom there, read-only): that is no standard output.</summary>
    public static bool IsOpenForWriting(int fd)
    {
        var flags = Interop.Libc.fcntl(fd, Interop.Libc.F_GETFL);
        return flags >= 0 && (flags & Interop.Libc.O_ACCMODE) is Interop.Libc.O_WRONLY or Interop.Libc.O_RDWR;
    }

    /// <summary>True when <paramref name="fd"/> is the write end of a pipe or socket whose
    /// reader has gone (e.g. stdout into `head` that exited): nothing will read our output.</summary>
    public static bool IsPeerClosed(int fd)
    {
        var poll = new Interop.Libc.pollfd { fd = fd, events = 0 };
        var ready = Interop.Libc.poll(&poll, 1, 0);
        return ready > 0 && (poll.revents & (Interop.Libc.POLLERR | Interop.Libc.POLLHUP)) != 0;
    }
}
