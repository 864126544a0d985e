using System.Runtime.InteropServices;

namespace Gadget.Native;

/// <summary>Holds every exec of chosen binaries (fanotify FAN_OPEN_EXEC_PERM) until a handler
/// has looked at the process, then lets it run. Container detection uses it on runc: when
/// `runc start` is held, the container's init process exists but has not yet run the
/// container's program, so the container can be registered before its first exec.
/// If this process dies, the kernel lets every held exec proceed.</summary>
public sealed unsafe class ExecPermissionWatch : IDisposable
{
    private readonly FileDescriptorHandle _fd;
    private readonly Action<int> _onExec;
    private readonly TimeSpan _handlerBudget;
    private readonly Thread _thread;
    private volatile bool _stopping;

    private ExecPermissionWatch(FileDescriptorHandle fd, Action<int> onExec, TimeSpan handlerBudget)
    {
        _fd = fd;
        _onExec = onExec;
        _handlerBudget = handlerBudget;
        _thread = new Thread(Loop) { IsBackground = true, Name = "exec permission watch" };
    }

    /// <summary>Watches execs of the given files (those that exist). <paramref name="onExec"/>
    /// gets the pid of the process in execve; the exec proceeds when it returns, or after
    /// <paramref name="handlerBudget"/> at the latest.</summary>
    public static ExecPermissionWatch Start(IEnumerable<string> binaries, Action<int> onExec, TimeSpan handlerBudget)
    {
        var fd = Interop.Libc.fanotify_init(Interop.Libc.FAN_CLOEXEC | Interop.Libc.FAN_CLASS_CONTENT,
            (uint)(Interop.Libc.O_RDONLY | Interop.Libc.O_LARGEFILE | Interop.Libc.O_CLOEXEC));
        if (fd < 0)
            throw new LibbpfException("fanotify_init", Marshal.GetLastPInvokeError());
        var handle = new FileDescriptorHandle(fd);
        var marked = 0;
        foreach (var binary in binaries.Where(File.Exists))
        {
            if (Interop.Libc.fanotify_mark(fd, Interop.Libc.FAN_MARK_ADD, Interop.Libc.FAN_OPEN_EXEC_PERM, Interop.Libc.AT_FDCWD, binary) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                handle.Dispose();
                throw new LibbpfException($"fanotify_mark {binary}", errno);
            }
            marked++;
        }
        if (marked == 0)
        {
            handle.Dispose();
            throw new FileNotFoundException("none of the binaries to watch exists");
        }
        var watch = new ExecPermissionWatch(handle, onExec, handlerBudget);
        watch._thread.Start();
        return watch;
    }

    private void Loop()
    {
        var buffer = new byte[4096];
        while (!_stopping)
        {
            var poll = new Interop.Libc.pollfd { fd = _fd.Fd, events = Interop.Libc.POLLIN };
            if (Interop.Libc.poll(&poll, 1, 200) <= 0)
                continue;
            nint length;
            fixed (byte* p = buffer)
                length = Interop.Libc.read(_fd.Fd, p, (nuint)buffer.Length);
            if (length <= 0)
                continue;
            var offset = 0;
            while (offset + sizeof(Interop.Libc.fanotify_event_metadata) <= length)
            {
                var metadata = MemoryMarshal.Read<Interop.Libc.fanotify_event_metadata>(buffer.AsSpan(offset));
                if (metadata.event_len < sizeof(Interop.Libc.fanotify_event_metadata))
                    break;
                Handle(metadata);
                offset += (int)metadata.event_len;
            }
        }
    }

    private void Handle(Interop.Libc.fanotify_event_metadata metadata)
    {
        try
        {
            var handler = Task.Run(() => _onExec(metadata.pid));
            handler.Wait(_handlerBudget);
        }
        catch (AggregateException)
        {
            // A failing handler must never keep runc waiting.
        }
        finally
        {
            if (metadata.fd >= 0)
            {
                var response = new Interop.Libc.fanotify_response { fd = metadata.fd, response = Interop.Libc.FAN_ALLOW };
                Interop.Libc.write(_fd.Fd, &response, (nuint)sizeof(Interop.Libc.fanotify_response));
                Interop.Libc.close(metadata.fd);
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join(TimeSpan.FromSeconds(2));
        _fd.Dispose();
    }
}
