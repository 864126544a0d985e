using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace Gadget.Native;

/// <summary>A network namespace held open by a file descriptor (from /proc/PID/ns/net), so that
/// a thread can join it for what the kernel decides from its caller's namespace, such as which
/// sockets a BPF socket iterator lists.</summary>
public sealed unsafe class NetworkNamespace : IDisposable
{
    private readonly FileDescriptorHandle _fd;

    private NetworkNamespace(FileDescriptorHandle fd, ulong id)
    {
        _fd = fd;
        Id = id;
    }

    /// <summary>The namespace's inode number, as /proc/PID/ns/net shows it ("net:[ID]").</summary>
    public ulong Id { get; }

    /// <summary>Opens the network namespace of a process; null when the process is gone or its
    /// namespace is out of reach (it belongs to a user namespace above ours).</summary>
    public static NetworkNamespace? TryOpen(int pid) =>
        TryOpenPath(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"/proc/{pid}/ns/net"));

    /// <summary>The network namespace of the calling thread.</summary>
    public static NetworkNamespace OpenCurrent() =>
        TryOpenPath("/proc/thread-self/ns/net") ?? throw SyscallException.FromLastError("opening this thread's network namespace");

    private static NetworkNamespace? TryOpenPath(string path)
    {
        var fd = Interop.Libc.open(path, Interop.Libc.O_RDONLY | Interop.Libc.O_CLOEXEC);
        if (fd < 0)
            return null;
        var handle = new FileDescriptorHandle(fd);
        Interop.Libc.stat_x86_64 stat;
        if (Interop.Libc.fstat(fd, &stat) != 0)
        {
            handle.Dispose();
            return null;
        }
        return new NetworkNamespace(handle, stat.st_ino);
    }

    /// <summary>Runs <paramref name="action"/> on a thread of its own that joined this namespace,
    /// and returns what it returned (or throws what it threw). The calling thread, and every other
    /// thread of the process, stays where it is; the helper thread goes back to its own namespace
    /// before it ends.</summary>
    public T Run<T>(Func<T> action)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = RunJoined(action);
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        })
        { IsBackground = true, Name = $"netns {Id}" };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    private T RunJoined<T>(Func<T> action)
    {
        using var home = OpenCurrent();
        Join(this, "joining network namespace");
        try
        {
            return action();
        }
        finally
        {
            // The thread ends right after; going back keeps it from ever running anything else
            // (a finalizer, a runtime callback) in a namespace not its own.
            Join(home, "returning to the network namespace of ig");
        }
    }

    private static void Join(NetworkNamespace target, string what)
    {
        if (Interop.Libc.setns(target._fd.Fd, Interop.Libc.CLONE_NEWNET) != 0)
            throw SyscallException.FromLastError($"{what} {target.Id}");
    }

    public void Dispose() => _fd.Dispose();
}
