using System.Collections.Concurrent;
using System.Diagnostics;

namespace Gadget.Containers;

/// <summary>Where a mount namespace stands for the events that a stream gadget reads.</summary>
public enum HoldState
{
    /// <summary>Not a new namespace of the runtime: events are handled as they come.</summary>
    None,

    /// <summary>Made by the runtime, its container not known yet: hold its events.</summary>
    Pending,

    /// <summary>Was pending, now known (a container, or none): decide each event by the run's
    /// selection, since the kernel kept them whatever the selection.</summary>
    Settled,
}

/// <summary>The mount namespaces that root's container runtime has just made and that discovery
/// does not know yet. The kernel lists them as it sees them made (gadget.h's new_mntns) and
/// every stream gadget's filter keeps their events; the gadgets' readers hold those events in
/// memory until discovery settles the namespace (registers its container, or finds it is
/// none), or <see cref="Budget"/> passes. This replaces holding runc itself: no process ever
/// waits on ig, whatever state ig is in, and a new container's first exec is still attributed
/// while ig is alive.</summary>
public sealed class NamespaceHold
{
    /// <summary>Longest an event waits in a reader for its namespace to be settled.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);

    // A settled namespace is remembered this long: events the kernel kept while it was
    // pending may still be queued in a ring.
    private static readonly long Linger = 10 * Stopwatch.Frequency;
    // A namespace whose container never started is given up after this (its first exec,
    // if it ever comes, is then attributed only if discovery knows the container in time).
    private static readonly long Abandon = 300 * Stopwatch.Frequency;

    private readonly ConcurrentDictionary<ulong, Entry> _entries = new();
    private readonly Func<ulong> _kernelMarks;
    private readonly Func<List<ulong>> _listKernel;
    private readonly Action<ulong> _forgetKernel;
    private readonly Func<ulong, bool> _listedInKernel;
    private readonly Lock _catchUp = new();
    private long _processedMarks;
    private int _active;
    private long _version;

    internal NamespaceHold(Func<ulong> kernelMarks, Func<List<ulong>> listKernel, Action<ulong> forgetKernel, Func<ulong, bool>? listedInKernel = null)
    {
        _kernelMarks = kernelMarks;
        _listKernel = listKernel;
        _forgetKernel = forgetKernel;
        _listedInKernel = listedInKernel ?? (m => listKernel().Contains(m));
    }

    /// <summary>Asks the kernel whether it lists <paramref name="mntns"/> as new (a system
    /// call): for an event that waited its budget for this side to catch up, in vain.</summary>
    public bool IsListedInKernel(ulong mntns) => _listedInKernel(mntns);

    /// <summary>The kernel's map of new namespaces, for each gadget's object to share.</summary>
    internal Native.BpfMap? SharedMap { get; init; }

    /// <summary>Changes whenever a namespace is added or settled: readers re-examine what
    /// they hold only then (or when a budget runs out).</summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>Namespaces the kernel listed up to now (a counter it keeps).</summary>
    public ulong KernelMarks => _kernelMarks();

    /// <summary>Namespaces of <see cref="KernelMarks"/> that this side has taken in.</summary>
    public ulong ProcessedMarks => (ulong)Volatile.Read(ref _processedMarks);

    /// <summary>False when there is nothing to check (the common case): no namespace pending
    /// or lingering, and none listed by the kernel that this side has not taken in.</summary>
    public bool IsActive => Volatile.Read(ref _active) > 0 || KernelMarks != ProcessedMarks;

    public HoldState StateOf(ulong mntns) =>
        Volatile.Read(ref _active) == 0 || !_entries.TryGetValue(mntns, out var entry) ? HoldState.None
        : entry.Settled ? HoldState.Settled
        : HoldState.Pending;

    /// <summary>Takes in what the kernel listed: every namespace in its map that is new here.
    /// The map is the truth; reports of new namespaces only say when to look.</summary>
    public void CatchUp()
    {
        lock (_catchUp)
        {
            var marks = KernelMarks;
            foreach (var mntns in _listKernel())
                Add(mntns);
            Volatile.Write(ref _processedMarks, (long)marks);
        }
    }

    /// <summary>A new namespace (also from user space, for a container made before ig started).
    /// The kernel reuses namespace ids at once: one settled a moment ago and listed again is a
    /// new container's, pending again.</summary>
    public void Add(ulong mntns)
    {
        lock (_catchUp)
        {
            if (_entries.TryGetValue(mntns, out var known))
            {
                if (!known.Settled)
                    return;
                // Replaced, not added: _active counts it already.
                _entries[mntns] = new Entry { Since = Stopwatch.GetTimestamp() };
            }
            else
            {
                _entries[mntns] = new Entry { Since = Stopwatch.GetTimestamp() };
                Interlocked.Increment(ref _active);
            }
            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>Discovery knows now what the namespace is (its container is in the collection,
    /// or it is no container of interest): its held events can be decided, and the kernel
    /// filters it as any other from now on. Taken off the kernel's list first, under the same
    /// lock as <see cref="CatchUp"/>: a listing seen after this is a new container's.</summary>
    public void Settle(ulong mntns)
    {
        lock (_catchUp)
        {
            ForgetKernel(mntns);
            if (!_entries.TryGetValue(mntns, out var entry))
            {
                // Settled without having been seen pending (its report was late).
                entry = new Entry { Since = Stopwatch.GetTimestamp() };
                _entries[mntns] = entry;
                Interlocked.Increment(ref _active);
            }
            else if (entry.Settled)
            {
                return;
            }
            entry.SettledAt = Stopwatch.GetTimestamp();
            entry.Settled = true;
            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>True while <paramref name="mntns"/> is pending.</summary>
    public bool IsPending(ulong mntns) => StateOf(mntns) == HoldState.Pending;

    /// <summary>Forgets settled namespaces after their linger, and gives up on pending ones
    /// whose container never started.</summary>
    public void Sweep()
    {
        var now = Stopwatch.GetTimestamp();
        lock (_catchUp)
        {
            foreach (var (mntns, entry) in _entries)
            {
                var expired = entry.Settled ? now - entry.SettledAt > Linger : now - entry.Since > Abandon;
                if (expired && _entries.TryRemove(mntns, out _))
                {
                    Interlocked.Decrement(ref _active);
                    Interlocked.Increment(ref _version);
                    if (!entry.Settled)
                        ForgetKernel(mntns);
                }
            }
        }
    }

    private void ForgetKernel(ulong mntns)
    {
        try
        {
            _forgetKernel(mntns);
        }
        catch (Native.LibbpfException)
        {
            // Already gone.
        }
    }

    private sealed class Entry
    {
        public long Since;
        public long SettledAt;
        public volatile bool Settled;
    }
}
