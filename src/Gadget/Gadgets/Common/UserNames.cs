using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Gadget.Containers;
using Gadget.Native;

namespace Gadget.Gadgets.Common;

/// <summary>User names for uids, from the /etc/passwd the process itself sees: the host's, or
/// its container's. Lookups read a cache per mount namespace and never touch a file: the event
/// path asks <see cref="Lookup"/>, and a file not read yet is read on a background thread of its
/// own (<see cref="Prefetch"/>, also called when a container appears). A container's file is
/// read confined to its root (<see cref="ConfinedFile"/>: no FIFO, device, symlink out of the
/// root, or file over <see cref="MaxFileBytes"/> or <see cref="MaxLines"/> lines); a file that
/// cannot be read so names nobody, and the field stays empty.</summary>
public static class UserNames
{
    /// <summary>A passwd file larger than this names nobody (real ones are a few KiB).</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>Lines of a passwd file read at most.</summary>
    public const int MaxLines = 65536;

    private static readonly Dictionary<uint, byte[]> Nobody = [];

    // Keyed by mount namespace; the owner tells a reused namespace id from the one cached.
    private static readonly ConcurrentDictionary<ulong, (string Owner, Dictionary<uint, byte[]> Names)> ByMountNamespace = new();
    private static readonly BlockingCollection<(ulong Key, string Owner, int Pid)> Pending = new(new ConcurrentQueue<(ulong, string, int)>(), 4096);
    private static readonly ConcurrentDictionary<ulong, string> Queued = new();
    private static readonly Lazy<Thread> Loader = new(StartLoader);

    /// <summary>Counts files read (tests: a name resolved without a read is a cache hit).</summary>
    public static int FilesRead => _filesRead;

    private static int _filesRead;

    /// <summary>The name of <paramref name="uid"/> for a process of <paramref name="container"/>
    /// (null: the host), or empty when the passwd file does not name it or is not read yet.
    /// Reads nothing but memory: a miss queues the file for the loader thread.</summary>
    public static ReadOnlySpan<byte> Lookup(uint uid, ContainerInfo? container)
    {
        var key = container?.MntnsId ?? 0;
        if (ByMountNamespace.TryGetValue(key, out var cached) && cached.Owner == (container?.Id ?? ""))
            return cached.Names.TryGetValue(uid, out var name) ? name : [];
        Prefetch(container);
        return [];
    }

    /// <summary>Queues the passwd file of <paramref name="container"/> (null: the host) for
    /// reading, unless it is cached or queued already. Never blocks.</summary>
    public static void Prefetch(ContainerInfo? container)
    {
        var key = container?.MntnsId ?? 0;
        var owner = container?.Id ?? "";
        if (ByMountNamespace.TryGetValue(key, out var cached) && cached.Owner == owner)
            return;
        if (Queued.TryGetValue(key, out var queuedOwner) && queuedOwner == owner)
            return;
        Queued[key] = owner;
        _ = Loader.Value;
        // A full queue (thousands of containers at once) drops the request; a later lookup asks again.
        if (!Pending.TryAdd((key, owner, container?.Pid ?? 0)))
            Queued.TryRemove(key, out _);
    }

    /// <summary>Queues the files of <paramref name="containers"/> and waits, at most
    /// <paramref name="wait"/>, until they are read: at the start of a run, so that the
    /// containers already running have their names from the first event. Each read is bounded
    /// and cannot block, so the wait is short; past it, names come when the loader is done.</summary>
    public static void Prefetch(IEnumerable<ContainerInfo?> containers, TimeSpan wait)
    {
        var keys = new List<(ulong Key, string Owner)>();
        foreach (var container in containers)
        {
            Prefetch(container);
            keys.Add((container?.MntnsId ?? 0, container?.Id ?? ""));
        }
        var deadline = Environment.TickCount64 + (long)wait.TotalMilliseconds;
        while (Environment.TickCount64 < deadline &&
               keys.Any(k => !ByMountNamespace.TryGetValue(k.Key, out var cached) || cached.Owner != k.Owner))
            Thread.Sleep(2);
    }

    /// <summary>Reads a file now, on the caller's thread (tests, and the loader).</summary>
    public static Dictionary<uint, byte[]> Load(ContainerInfo? container) => Load(container is null ? 0 : container.Pid > 0 ? container.Pid : -1);

    /// <summary>The names of the passwd file of process <paramref name="pid"/>'s root (0: the host's; below 0: none).</summary>
    private static Dictionary<uint, byte[]> Load(int pid)
    {
        if (pid < 0)
            return Nobody;
        var bytes = pid > 0
            ? ConfinedFile.ReadAll($"/proc/{pid}/root", "/etc/passwd", MaxFileBytes, out _)
            : ConfinedFile.ReadAll("/", "/etc/passwd", MaxFileBytes, out _);
        Interlocked.Increment(ref _filesRead);
        return bytes is null ? Nobody : Parse(bytes);
    }

    /// <summary>Parses passwd lines ("name:x:uid:gid:..."); malformed lines are skipped.</summary>
    public static Dictionary<uint, byte[]> Parse(IEnumerable<string> lines)
    {
        var names = new Dictionary<uint, byte[]>();
        foreach (var line in lines.Take(MaxLines))
        {
            var fields = line.Split(':');
            if (fields.Length >= 3 && fields[0].Length > 0 &&
                uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
                names.TryAdd(uid, Encoding.UTF8.GetBytes(fields[0]));
        }
        return names;
    }

    /// <summary>Parses a passwd file's bytes, at most <see cref="MaxLines"/> lines of it.</summary>
    public static Dictionary<uint, byte[]> Parse(ReadOnlySpan<byte> file)
    {
        var names = new Dictionary<uint, byte[]>();
        var lines = 0;
        while (!file.IsEmpty && lines++ < MaxLines)
        {
            var end = file.IndexOf((byte)'\n');
            var line = end < 0 ? file : file[..end];
            file = end < 0 ? [] : file[(end + 1)..];
            var nameEnd = line.IndexOf((byte)':');
            if (nameEnd <= 0)
                continue;
            var rest = line[(nameEnd + 1)..];
            var passwordEnd = rest.IndexOf((byte)':');
            if (passwordEnd < 0)
                continue;
            var uidField = rest[(passwordEnd + 1)..];
            var uidEnd = uidField.IndexOf((byte)':');
            if (uidEnd >= 0)
                uidField = uidField[..uidEnd];
            if (uint.TryParse(uidField, NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
                names.TryAdd(uid, line[..nameEnd].ToArray());
        }
        return names;
    }

    private static Thread StartLoader()
    {
        var thread = new Thread(() =>
        {
            foreach (var (key, owner, pid) in Pending.GetConsumingEnumerable())
            {
                // Containers come and go: past this many namespaces, start afresh (re-read on demand).
                if (ByMountNamespace.Count > 4096)
                    ByMountNamespace.Clear();
                // A container without a pid (not known yet) has no file to read.
                ByMountNamespace[key] = (owner, Load(owner.Length == 0 ? 0 : pid > 0 ? pid : -1));
                Queued.TryRemove(key, out _);
            }
        })
        { IsBackground = true, Name = "ig user names" };
        thread.Start();
        return thread;
    }
}
