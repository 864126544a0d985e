namespace Gadget.Native;

/// <summary>Checks on plain file descriptors that .NET does not offer.</summary>
public static unsafe class FileDescriptors
{
    /// <summary>True when <paramref name="fd"/> is the write end of a pipe or socket whose
    /// reader has gone (e.g. stdout into `head` that exited): nothing will read our output.</summary>
    public static bool IsPeerClosed(int fd)
    {
        var poll = new Interop.Libc.pollfd { fd = fd, events = 0 };
        var ready = Interop.Libc.poll(&poll, 1, 0);
        return ready > 0 && (poll.revents & (Interop.Libc.POLLERR | Interop.Libc.POLLHUP)) != 0;
    }
}
