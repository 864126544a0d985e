using Gadget.Containers;
using Gadget.Gadgets;
using Gadget.Native;

namespace Gadget.Runtime;

/// <summary>The kernel side of one run: the BPF object loaded with the common settings, the
/// mount namespace filter kept in sync, the links. Disposing detaches and frees all of it.</summary>
internal sealed class LoadedRun : IDisposable
{
    private readonly List<BpfLink> _links = [];
    private IDisposable? _filterSync;

    private LoadedRun(BpfObject? bpf, RunContext context)
    {
        Bpf = bpf;
        Context = context;
    }

    public BpfObject? Bpf { get; }

    /// <summary>The run's context, with its BPF object.</summary>
    public RunContext Context { get; }

    public int LinkCount => _links.Count;

    /// <summary>The run's mount namespace filter (null: every event).</summary>
    public IMountNamespaceFilter? Filter { get; private init; }

    /// <summary>New containers' namespaces whose events the kernel keeps for this run to hold
    /// (a stream gadget whose filter shares the runc watcher's map); null otherwise.</summary>
    public NamespaceHold? Hold { get; private set; }

    public static LoadedRun Load(GadgetDefinition gadget, GadgetRun run, RunOptions options, IMountNamespaceFilter? filter,
        IContainerResolver? containers, RunContext context, NamespaceHold? hold = null)
    {
        var bpf = run.BpfObjectName is { } name ? EmbeddedBpf.Open(name) : null;
        var loaded = new LoadedRun(bpf, new RunContext(bpf, containers, () => context.SelectedContainers, context.Wants)
        {
            Interval = context.Interval,
            Warnings = context.Warnings,
            Verbose = context.Verbose,
        })
        {
            Filter = filter,
        };
        try
        {
            if (bpf is not null)
            {
                Configure(bpf, gadget.Kind, options, filter);
                if (gadget.Kind == GadgetKind.Stream && hold is not null && ShareNewNamespaces(bpf, hold))
                    loaded.Hold = hold;
                run.Configure(bpf);
                LoadObject(gadget, bpf, options.Verbose);
                if (filter is not null)
                    loaded._filterSync = SyncFilter(bpf.Map("mntns_filter"), filter);
                run.Populate(bpf);
            }
            foreach (var link in run.Attach(bpf!, loaded.Context))
                loaded._links.Add(link);
            return loaded;
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    /// <summary>The settings of bpf/include/gadget.h: the ring buffer's size and wake-up mark,
    /// and the mount namespace filter's mode.</summary>
    private static void Configure(BpfObject bpf, GadgetKind kind, RunOptions options, IMountNamespaceFilter? filter)
    {
        if (bpf.TryGetMap("events", out var ring))
        {
            // Frame gadgets read maps, not the ring: give it the least the kernel takes.
            var bytes = kind == GadgetKind.Stream ? options.RingBufferBytes : 4096u;
            ring.MaxEntries = bytes;
            // Wake the reader when a quarter of the ring is full; the periodic poll handles the rest.
            bpf.TrySetConstant("gadget_wakeup_bytes", (ulong)bytes / 4);
        }
        bpf.TrySetConstant("gadget_filter_by_mntns", filter is not null);
        bpf.TrySetConstant("gadget_mntns_filter_excludes", filter?.Excludes == true);
    }

    /// <summary>Lets the filter keep the events of the namespaces the runc watcher lists as new
    /// (gadget.h's new_mntns, shared with the watcher's object), for the reader to hold.</summary>
    private static bool ShareNewNamespaces(BpfObject bpf, NamespaceHold hold)
    {
        if (hold.SharedMap is not { } shared || !bpf.TryGetMap("new_mntns", out var map) || !bpf.TrySetConstant("gadget_keep_new_mntns", true))
            return false;
        map.ShareWith(shared);
        return true;
    }

    internal static void LoadObject(GadgetDefinition gadget, BpfObject bpf, TextWriter? verbose)
    {
        try
        {
            bpf.Load();
        }
        catch (LibbpfException e)
        {
            // When libbpf's log goes to the verbose writer, the verifier log is there already.
            if (verbose is not null && e.LibbpfLog is { } log && !LibbpfLog.IsWritingTo(verbose))
                verbose.WriteLine(log);
            throw new GadgetException($"loading the BPF programs of {gadget.FullName} failed: {e.Message}" +
                (verbose is null ? " (--verbose shows the verifier log)" : ""), e);
        }
    }

    private static IDisposable SyncFilter(BpfMap map, IMountNamespaceFilter filter)
    {
        var subscription = filter.Subscribe((mntns, allowed) =>
        {
            if (allowed)
                map.Update(mntns, 1u);
            else
                map.Delete(mntns);
        });
        foreach (var mntns in filter.Current)
            map.Update(mntns, 1u);
        return subscription;
    }

    /// <summary>Events the kernel could not queue, in all: the per-CPU counter of gadget.h.</summary>
    public ulong LostInKernel() =>
        Bpf is not null && Bpf.TryGetMap("lost_events", out var lost) ? lost.SumPerCpu(0u) : 0;

    /// <summary>Detaches every program; the object and its maps stay readable.</summary>
    public void Detach()
    {
        foreach (var link in _links)
            link.Dispose();
        _links.Clear();
    }

    public void Dispose()
    {
        Detach();
        _filterSync?.Dispose();
        Bpf?.Dispose();
    }
}
