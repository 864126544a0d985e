using Gadget.Native;

namespace Gadget.Gadgets.Top.BlockIo;

/// <summary>A run of top block-io: attaches the three hooks of biotop.bpf.c and, every
/// interval, takes the rows the kernel summed (reading and deleting them, so each frame
/// covers one interval).</summary>
internal sealed class BlockIoRun : FrameRun
{
    // Program names in biotop.bpf.c, in the order they are attached: completion first, start
    // last, so that every request the start hook sees is also seen issued and completed.
    private static readonly string[] AttachOrder = ["biotop_done", "biotop_issue", "biotop_start"];

    private readonly List<KeyValuePair<BiotopKey, BiotopValue>> _entries = [];

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
        _entries.Clear();
        context.Bpf!.Map("rows").TakeAll(_entries);
        foreach (var (key, value) in _entries)
            frame.Add(ToRow(key, value));
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
