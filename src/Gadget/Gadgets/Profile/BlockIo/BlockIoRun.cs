using System.Text;
using Gadget.Native;

namespace Gadget.Gadgets.Profile.BlockIo;

/// <summary>A run of profile block-io: biolatency.bpf.c counts each request's latency into
/// the histogram of its disk and flags; at the stop, the histograms become the report's rows.</summary>
internal sealed class BlockIoRun : FrameRun
{
    private readonly bool _perDisk;
    private readonly bool _perFlag;
    private bool _bySubmitter;

    public BlockIoRun(bool perDisk, bool perFlag)
    {
        _perDisk = perDisk;
        _perFlag = perFlag;
    }

    public override string BpfObjectName => "biolatency.bpf.o";

    public override void Configure(BpfObject bpf)
    {
        bpf.SetConstant("per_disk", _perDisk);
        bpf.SetConstant("per_flag", _perFlag);
        // The submitter of a request is known only at block_io_start (Linux 6.5): without it
        // every request counts, as in the reference, whatever the container selection.
        _bySubmitter = KernelFeatures.HasRawTracepoint("block_io_start");
        bpf.SetConstant("by_submitter", _bySubmitter);
        bpf.Program("biolat_start").Autoload = _bySubmitter;
    }

    public override IEnumerable<BpfLink> Attach(BpfObject bpf, RunContext context)
    {
        if (!_bySubmitter && context.SelectedContainers.Count > 0)
            context.Warnings.WriteLine("WARNING: this kernel has no block_io_start tracepoint: the histogram counts the I/O of every process, not only that of the selected containers");
        // Completion first, start last: a request marked at start is seen issued and completed.
        yield return bpf.Program("biolat_complete").Attach();
        yield return bpf.Program("biolat_issue").Attach();
        if (_bySubmitter)
            yield return bpf.Program("biolat_start").Attach();
    }

    public override void Collect(RunContext context, Frame frame)
    {
        // Read once, after the programs were detached: nothing changes the map any more.
        var map = context.Bpf!.Map("hists");
        var histograms = new List<(LatencyHistogram, uint)>();
        foreach (var key in map.Keys<BiolatKey>())
        {
            if (!map.TryLookup(key, out BiolatHist hist))
                continue;
            ReadOnlySpan<uint> slots = hist.Slots;
            var disk = _perDisk ? DiskName(hist, key.Dev) : "";
            var flags = _perFlag ? RequestFlags.Name(key.Flags) : "";
            histograms.Add((new LatencyHistogram(disk, flags, Log2Histogram.FromSlots(slots)), key.Dev));
        }
        // Disks by name, then flags: the kernel's hash order says nothing.
        histograms.Sort(static (a, b) =>
        {
            var byDisk = string.CompareOrdinal(a.Item1.Disk, b.Item1.Disk);
            return byDisk != 0 ? byDisk : string.CompareOrdinal(a.Item1.Flags, b.Item1.Flags);
        });
        HistogramRows.Add(frame, histograms);

        // A hook that fires again on a CPU while its program runs there is skipped by the
        // kernel (a completion in an interrupt during another one's): rare, but never silent.
        var misses = BpfProgramInfo.RecursionMisses(context.Bpf.Program("biolat_issue")) +
            BpfProgramInfo.RecursionMisses(context.Bpf.Program("biolat_complete")) +
            (_bySubmitter ? BpfProgramInfo.RecursionMisses(context.Bpf.Program("biolat_start")) : 0);
        if (misses > 0)
            context.Warnings.WriteLine($"WARNING: {misses} block I/O requests were not counted: the kernel skipped the gadget's hooks for them (nested in an interrupt)");
    }

    /// <summary>The kernel's name of the disk (gendisk.disk_name); "major:minor" when it had none.</summary>
    private static string DiskName(in BiolatHist hist, uint dev)
    {
        ReadOnlySpan<byte> name = hist.Disk;
        var end = name.IndexOf((byte)0);
        if (end < 0)
            end = name.Length;
        return end > 0 ? Encoding.UTF8.GetString(name[..end]) : $"{dev >> 20}:{dev & 0xfffff}";
    }
}
