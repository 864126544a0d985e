using System.Runtime.InteropServices;
using Gadget.Native;

namespace Gadget.Containers.Runtimes.Runc;

/// <summary>What runc_watch.bpf.c reports (struct watch_event).</summary>
internal enum RuncWatchKind : uint
{
    RuncExec = 1,
    MountNamespaceNew = 2,
    MountNamespaceStart = 3,
}

/// <summary>One report of runc_watch.bpf.c; <see cref="Arguments"/> only for a runc exec.</summary>
internal readonly record struct RuncWatchEvent(RuncWatchKind Kind, int Pid, ulong MntnsId, ulong Timestamp, IReadOnlyList<string> Arguments);

/// <summary>The kernel side of the runc watcher (runc_watch.bpf.c), loaded and attached: the
/// execs of root's runc binaries with their arguments, the mount namespaces their processes
/// make, and the first program run in each. It never holds a process: it reports through a
/// ring buffer that a thread of ours reads, and lists the new namespaces in a map that the
/// gadgets' filters share (<see cref="NewNamespaces"/>).</summary>
internal sealed class RuncWatch : IDisposable, IRingBufferConsumer
{
    private const string Resource = "runc_watch.bpf.o";
    private const int ArgsOffset = 32;

    private readonly BpfObject _bpf;
    private readonly List<BpfLink> _links = [];
    private readonly RingBuffer _ring;
    private readonly Action<RuncWatchEvent> _onEvent;
    private readonly Thread _thread;
    private readonly Lock _gate = new();
    private volatile bool _stopping;
    private bool _disposed;

    private RuncWatch(BpfObject bpf, Action<RuncWatchEvent> onEvent)
    {
        _bpf = bpf;
        _onEvent = onEvent;
        _ring = new RingBuffer(bpf.Map("events"), this);
        Marks = BpfGlobal.Of(bpf, ".bss", "marks");
        MarkFailures = BpfGlobal.Of(bpf, ".bss", "mark_failures");
        _thread = new Thread(Loop) { IsBackground = true, Name = "runc watch" };
    }

    /// <summary>The map of new mount namespaces (gadget.h's new_mntns).</summary>
    public BpfMap NewNamespaces => _bpf.Map("new_mntns");

    /// <summary>How many namespaces the kernel has listed in <see cref="NewNamespaces"/> so far.</summary>
    public BpfGlobal Marks { get; }

    /// <summary>New namespaces that did not fit in the map (and are then not held).</summary>
    public BpfGlobal MarkFailures { get; }

    /// <summary>Reports that did not fit in the ring.</summary>
    public ulong Lost => _bpf.Map("lost_events").SumPerCpu(0u);

    /// <summary>Test hook: the reading thread stops reading (a hung event loop) once set.</summary>
    internal volatile bool HangForTests;

    /// <summary>Loads and attaches; reports queue in the ring until <see cref="StartReading"/>.
    /// <paramref name="onEvent"/> runs on the reading thread, in the order the kernel reported.</summary>
    public static RuncWatch Load(IReadOnlyCollection<FileIdentity> binaries, ulong hostMntns, Action<RuncWatchEvent> onEvent)
    {
        var bpf = Open();
        RuncWatch? watch = null;
        try
        {
            // Few reports, one per runc exec or new namespace.
            bpf.Map("events").MaxEntries = 256 * 1024;
            bpf.SetConstant("host_mntns_id", hostMntns);
            bpf.Load();
            var map = bpf.Map("runc_binaries");
            foreach (var binary in binaries)
                map.Update(new BinaryKey { dev = binary.KernelDevice, ino = binary.Inode }, (byte)1);
            watch = new RuncWatch(bpf, onEvent);
            foreach (var program in bpf.Programs)
                watch._links.Add(program.Attach());
            return watch;
        }
        catch
        {
            if (watch is not null)
                watch.Dispose();
            else
                bpf.Dispose();
            throw;
        }
    }

    /// <summary>Starts the thread that reads the reports.</summary>
    public void StartReading() => _thread.Start();

    private static BpfObject Open()
    {
        using var stream = typeof(RuncWatch).Assembly.GetManifestResourceStream("bpf/" + Resource)
            ?? throw new InvalidOperationException($"BPF object {Resource} is not embedded");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        // Named as the gadgets' objects are ("ig_" and the file's stem).
        return BpfObject.Open(bytes, "ig_runc_watch");
    }

    /// <summary>The namespaces listed in the kernel now (none once disposed).</summary>
    public List<ulong> ListedNamespaces()
    {
        lock (_gate)
            return _disposed ? [] : NewNamespaces.Keys<ulong>();
    }

    /// <summary>Whether the kernel lists <paramref name="mntns"/> as new now.</summary>
    public bool IsListed(ulong mntns)
    {
        lock (_gate)
            return !_disposed && NewNamespaces.TryLookup(mntns, out NewNamespaceValue _);
    }

    /// <summary>Takes a namespace off the kernel's list: its events are filtered as any other's again.</summary>
    public void Forget(ulong mntns)
    {
        // Registrations finish on other threads, maybe after discovery stopped.
        lock (_gate)
        {
            if (!_disposed)
                NewNamespaces.Delete(mntns);
        }
    }

    /// <summary>Lists a namespace as new from user space (a container made before we started).</summary>
    public void List(ulong mntns, int pid)
    {
        lock (_gate)
        {
            if (!_disposed)
                NewNamespaces.Update(mntns, new NewNamespaceValue { pid = (uint)pid });
        }
    }

    private void Loop()
    {
        while (!_stopping)
        {
            try
            {
                if (HangForTests)
                {
                    Thread.Sleep(50);
                    continue;
                }
                _ring.Poll(200);
            }
            catch (LibbpfException)
            {
                if (_stopping)
                    return;
            }
        }
    }

    public void OnRecord(ReadOnlySpan<byte> record)
    {
        if (record.Length < ArgsOffset)
            return;
        var kind = (RuncWatchKind)MemoryMarshal.Read<uint>(record);
        var pid = MemoryMarshal.Read<int>(record[4..]);
        var mntns = MemoryMarshal.Read<ulong>(record[8..]);
        var timestamp = MemoryMarshal.Read<ulong>(record[16..]);
        IReadOnlyList<string> args = [];
        if (kind == RuncWatchKind.RuncExec)
        {
            var size = (int)Math.Min(MemoryMarshal.Read<uint>(record[24..]), (uint)(record.Length - ArgsOffset));
            args = SplitArguments(record.Slice(ArgsOffset, size));
        }
        _onEvent(new RuncWatchEvent(kind, pid, mntns, timestamp, args));
    }

    /// <summary>NUL-separated arguments (the last one may lack its NUL when cut off).</summary>
    internal static List<string> SplitArguments(ReadOnlySpan<byte> data)
    {
        var result = new List<string>();
        while (!data.IsEmpty)
        {
            var end = data.IndexOf((byte)0);
            var arg = end < 0 ? data : data[..end];
            result.Add(System.Text.Encoding.UTF8.GetString(arg));
            data = end < 0 ? [] : data[(end + 1)..];
        }
        return result;
    }

    public void Dispose()
    {
        _stopping = true;
        if (_thread.IsAlive)
            _thread.Join(TimeSpan.FromSeconds(2));
        lock (_gate)
            _disposed = true;
        foreach (var link in _links)
            link.Dispose();
        _links.Clear();
        _ring.Dispose();
        Marks.Dispose();
        MarkFailures.Dispose();
        _bpf.Dispose();
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct BinaryKey
    {
        public uint dev;
        public uint pad;
        public ulong ino;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NewNamespaceValue
    {
        public ulong created;
        public ulong started;
        public uint pid;
        public uint pad;
    }
}
