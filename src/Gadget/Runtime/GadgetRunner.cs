using System.Diagnostics;
using System.Numerics;
using Gadget.Native;
using Gadget.Containers;
using Gadget.Gadgets;

namespace Gadget.Runtime;

/// <summary>Runs a trace gadget: checks the system, loads and attaches its programs, pumps the
/// ring buffer into a sink until cancelled, and frees every kernel object it made.</summary>
public static class GadgetRunner
{
    private static readonly TimeSpan LostCheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>The kernel's rule for a ring buffer's size; callers check it early too, before
    /// anything else prints.</summary>
    public static void CheckRingBufferSize(uint bytes)
    {
        if (!BitOperations.IsPow2(bytes) || bytes < 4096)
            throw new GadgetException($"invalid ring buffer size {bytes}: it must be a power of two of at least 4096 bytes");
    }

    public static RunSummary Run(TraceGadget gadget, RunOptions options, IEventSink sink, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        Preflight.Check();
        var probing = options.Verbose is { } features ? DescribeKernel(features) : TimeSpan.Zero;
        CheckRingBufferSize(options.RingBufferBytes);

        using var bpf = gadget.OpenObject();
        var ring = bpf.Map("events");
        ring.MaxEntries = options.RingBufferBytes;
        // Wake the reader when a quarter of the ring is full; the periodic poll handles the rest.
        bpf.SetConstant("gadget_wakeup_bytes", (ulong)options.RingBufferBytes / 4);
        bpf.SetConstant("gadget_filter_by_mntns", options.MountNamespaceFilter is not null);
        bpf.SetConstant("gadget_mntns_filter_excludes", options.MountNamespaceFilter?.Excludes == true);
        gadget.Configure(bpf, options.Parameters);
        Load(gadget, bpf, options);

        using var filterSync = options.MountNamespaceFilter is { } filter ? SyncFilter(bpf.Map("mntns_filter"), filter) : null;
        gadget.Populate(bpf, options.Parameters);

        var links = new List<BpfLink>();
        try
        {
            foreach (var link in gadget.Attach(bpf, options.Parameters))
                links.Add(link);
            var pump = new RecordPump(gadget, options, sink);
            using var reader = new RingBuffer(ring, pump);
            options.BeforeStart?.Invoke();
            var attachTime = clock.Elapsed - probing;
            if (options.Verbose is { } verbose)
            {
                var sinceStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
                verbose.WriteLine($"ig: {gadget.Category} {gadget.Name} attached {sinceStart.TotalMilliseconds:F0} ms after start ({attachTime.TotalMilliseconds:F0} ms to load and attach {links.Count} programs, {probing.TotalMilliseconds:F0} ms to probe kernel features for --verbose)");
            }
            sink.Start();
            options.Attached?.Invoke();

            var lost = bpf.Map("lost_events");
            ulong lostReported = 0;
            var lastLostCheck = Stopwatch.StartNew();
            var pollMs = (int)Math.Max(1, options.BatchLatency.TotalMilliseconds);
            var outputClosed = false;
            ulong wakeups = 0;
            try
            {
                while (!cancellation.IsCancellationRequested)
                {
                    if (options.OutputClosed?.Invoke() == true)
                        throw new IOException("the output was closed");
                    // Records handled by the poll itself mean the kernel woke us before the timeout.
                    if (reader.Poll(pollMs) > 0)
                        wakeups++;
                    reader.Consume();
                    sink.EndBatch();
                    if (lastLostCheck.Elapsed >= LostCheckInterval)
                    {
                        lostReported = ReportLost(lost, lostReported, sink);
                        lastLostCheck.Restart();
                    }
                }
                // Detach first so the final drain sees everything that was produced, and nothing after.
                DisposeAll(links);
                reader.Consume();
                sink.EndBatch();
                lostReported = ReportLost(lost, lostReported, sink);
            }
            catch (IOException)
            {
                // The reader of our output went away (e.g. `| head`): a normal end.
                outputClosed = true;
            }
            var summary = new RunSummary(pump.Delivered, lostReported, attachTime) { Malformed = pump.Malformed, Wakeups = wakeups };
            if (!outputClosed)
                sink.End(summary);
            return summary;
        }
        finally
        {
            DisposeAll(links);
        }
    }

    /// <summary>What this kernel offers, before loading: a failure to load then comes with
    /// its likely cause. Returns the time it took, which is not loading time.</summary>
    private static TimeSpan DescribeKernel(TextWriter verbose)
    {
        var clock = Stopwatch.StartNew();
        foreach (var line in KernelFeatures.Describe())
            verbose.WriteLine($"ig: kernel: {line}");
        return clock.Elapsed;
    }

    internal static void Load(TraceGadget gadget, BpfObject bpf, RunOptions options)
    {
        try
        {
            bpf.Load();
        }
        catch (LibbpfException e)
        {
            // When libbpf's log goes to the verbose writer, the verifier log is there already.
            if (options.Verbose is { } verbose && e.LibbpfLog is { } log && !LibbpfLog.IsWritingTo(verbose))
                verbose.WriteLine(log);
            throw new GadgetException($"loading the BPF programs of {gadget.Category} {gadget.Name} failed: {e.Message}" +
                (options.Verbose is null ? " (--verbose shows the verifier log)" : ""), e);
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

    private static ulong ReportLost(BpfMap lost, ulong reported, IEventSink sink)
    {
        var total = lost.SumPerCpu(0u);
        if (total > reported)
            sink.Lost(total - reported);
        return Math.Max(total, reported);
    }

    private static void DisposeAll(List<BpfLink> links)
    {
        foreach (var link in links)
            link.Dispose();
        links.Clear();
    }
}
