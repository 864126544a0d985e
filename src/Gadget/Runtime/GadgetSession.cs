using System.Diagnostics;
using System.Numerics;
using Gadget.Containers;
using Gadget.Gadgets;
using Gadget.Native;

namespace Gadget.Runtime;

/// <summary>Runs any gadget, of any kind, against a container selection and a sink: checks the
/// system, discovers the containers (while the programs load), keeps the kernel's mount
/// namespace filter in sync, loads and attaches, then streams events or produces frames until
/// the gadget is done or the run is cancelled, and frees every kernel object it made. The CLI,
/// the tests and the node agent all run gadgets through here.</summary>
public static class GadgetSession
{
    /// <summary>The kernel's rule for a ring buffer's size; callers check it early too, before
    /// anything else prints.</summary>
    public static void CheckRingBufferSize(uint bytes)
    {
        if (!BitOperations.IsPow2(bytes) || bytes < 4096)
            throw new GadgetException($"invalid ring buffer size {bytes}: it must be a power of two of at least 4096 bytes");
    }

    public static RunSummary Run(GadgetDefinition gadget, RunOptions options, IGadgetSink sink, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        // Checked before discovery, so that a bad value or a missing privilege is the only line
        // printed (discovery warns about unreachable runtimes), and because discovery needs root.
        gadget.Validate(options.Parameters);
        if (gadget.Kind == GadgetKind.Stream)
            CheckRingBufferSize(options.RingBufferBytes);
        Preflight.Check();
        if (Preflight.ProcWarning() is { } procWarning)
            options.Warnings.WriteLine(procWarning);
        var probing = options.Verbose is { } features ? DescribeKernel(features) : TimeSpan.Zero;

        using var ownScope = options.Scope is null && options.Selector is { } selector
            ? ContainerScope.Start(selector, options.Discovery, options.Warnings, options.Verbose)
            : null;
        var scope = options.Scope ?? ownScope;
        IContainerResolver? containers = scope is not null ? scope.Containers : options.Containers;
        var filter = scope is not null ? scope.KernelFilter : options.MountNamespaceFilter;
        var context = new RunContext(null, containers, () => Selected(scope), mntns => Wants(filter, mntns))
        {
            Interval = TimeSpan.FromSeconds(IntervalSeconds(gadget, options.Parameters)),
            Warnings = options.Warnings,
            Verbose = options.Verbose,
        };

        using var run = gadget.CreateRun(options.Parameters);
        using var loaded = LoadedRun.Load(gadget, run, options, filter, containers, context, scope?.Hold);
        context = loaded.Context;
        // The first listing must be complete before the run counts as started: the columns
        // depend on it, and a container that runs already must be in the filter.
        scope?.WaitReady();
        var attachTime = clock.Elapsed - probing;
        if (options.Verbose is { } verbose)
        {
            var sinceStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
            verbose.WriteLine($"ig: {gadget.FullName} attached {sinceStart.TotalMilliseconds:F0} ms after start ({attachTime.TotalMilliseconds:F0} ms to load and attach {loaded.LinkCount} programs, {probing.TotalMilliseconds:F0} ms to probe kernel features for --verbose)");
        }
        IReadOnlyList<string> placement = scope is not null ? scope.PlacementColumns : [];
        sink.Start(new SinkStart(gadget, options.Parameters, [.. placement, .. gadget.DefaultColumns(options.Parameters)]));
        options.Attached?.Invoke();

        var summary = run switch
        {
            StreamRun stream => StreamLoop.Run(stream, loaded, options, sink, cancellation),
            FrameRun frames => FrameLoop.Run(gadget, frames, loaded, options, sink, cancellation),
            _ => throw new InvalidOperationException($"{gadget.FullName} made a run of no known kind"),
        };
        return summary with { AttachTime = attachTime, Kind = gadget.Kind };
    }

    private static IReadOnlyList<ContainerInfo> Selected(ContainerScope? scope) =>
        scope is null ? [] : scope.Containers.Snapshot().Where(scope.Selector.Matches).ToList();

    private static bool Wants(IMountNamespaceFilter? filter, ulong mntns)
    {
        if (filter is null)
            return true;
        var listed = filter.Current.Contains(mntns);
        return filter.Excludes ? !listed : listed;
    }

    private static uint IntervalSeconds(GadgetDefinition gadget, ParameterValues parameters) =>
        gadget.Kind == GadgetKind.Interval ? Math.Max(1, parameters.GetUInt(FrameParameters.Interval)) : 1;

    /// <summary>What this kernel offers, before loading: a failure to load then comes with
    /// its likely cause. Returns the time it took, which is not loading time.</summary>
    private static TimeSpan DescribeKernel(TextWriter verbose)
    {
        var clock = Stopwatch.StartNew();
        foreach (var line in KernelFeatures.Describe())
            verbose.WriteLine($"ig: kernel: {line}");
        return clock.Elapsed;
    }
}
