using Gadget.Native;

namespace Gadget.Gadgets.Top.BlockIo;

/// <summary>A run of top block-io: attaches the three hooks of biotop.bpf.c and, every
/// interval, takes the rows the kernel summed, so that each frame covers one interval.</summary>
internal sealed class BlockIoRun : FrameRun
{
    // Program names in biotop.bpf.c, in the order they are attached: completion first, start
    // last, so that every request the start hook sees is also seen issued and completed.
    private static readonly string[] AttachOrder = ["biotop_done", "biotop_issue", "biotop_start"];

    // The two tables of biotop.bpf.c; the kernel writes to the one "rows" holds.
    private const string TableA = "rows_a", TableB = "rows_b";
    private string _current = TableA;
    private ulong _missesReported;

    public override string BpfObjectName => "biotop.bpf.o";

    public override void Configure(BpfObject bpf)
    {
        // block_io_start and block_io_done came in Linux 6.5; older kernels only offer the
        // block layer's functions to kprobes, which this gadget does not use.
        if (!KernelFeatures.HasRawTracepoint("block_io_start") || !KernelFeatures.HasRawTracepoint("block_io_done"))
            throw new GadgetException("top block-io needs the kernel's block_io_start and block_io_done tracepoints (Linux 6.5 or later)");
    }

    public override IEnumerable<BpfLink> Attach(BpfObject bpf, RunContext context)
    {
        foreach (var name in AttachOrder)
            yield return bpf.Program(name).Attach();
    }

    public override void Collect(RunContext context, Frame frame)
    {
        var bpf = context.Bpf!;
        var retired = bpf.Map(_current);
        _current = _current == TableA ? TableB : TableA;
        // The kernel answers this update of a map of maps only after an RCU grace period: no
        // program still adds to the retired table, which is then ours alone to read and empty.
        bpf.Map("rows").Update(0u, bpf.Map(_current).Fd);
        foreach (var key in retired.Keys<BiotopKey>())
        {
            if (retired.TryLookup(key, out BiotopValue value))
                frame.Add(ToRow(key, value));
            retired.Delete(key);
        }
        WarnAboutMisses(context);
    }

    /// <summary>A hook that fires again on a CPU while its program runs there (a completion in an
    /// interrupt that came during another one's) is skipped by the kernel: that request goes
    /// uncounted. Rare, but never silent.</summary>
    private void WarnAboutMisses(RunContext context)
    {
        ulong misses = 0;
        foreach (var name in AttachOrder)
            misses += BpfProgramInfo.RecursionMisses(context.Bpf!.Program(name));
        if (misses <= _missesReported)
            return;
        context.Warnings.WriteLine($"WARNING: {misses - _missesReported} block I/O requests were not counted: the kernel skipped the gadget's hooks for them (nested in an interrupt)");
        _missesReported = misses;
    }

    internal static BlockIoRow ToRow(in BiotopKey key, in BiotopValue value)
    {
        var row = new BlockIoRow
        {
            Write = key.Write != 0,
            Major = key.Major,
            Minor = key.Minor,
            Bytes = value.Bytes,
            MicroSecs = value.Us,
            Operations = value.Ops,
        };
        row.Header.MntnsId = key.MntnsId;
        row.Header.Pid = key.Pid;
        row.Header.Comm = key.Comm;
        return row;
    }
}
