using Gadget.Native;

namespace Gadget.Gadgets.Snapshot.Process;

/// <summary>One snapshot of processes: the task iterator, loaded alone and read once, and
/// /proc for what it did not cover.</summary>
public sealed class ProcessRun : FrameRun
{
    private readonly bool _threads;
    private BpfLink? _iterator;

    public ProcessRun(bool threads) => _threads = threads;

    public override string BpfObjectName => "snapshot_process.bpf.o";

    public override void Configure(BpfObject bpf) => bpf.SetConstant("show_threads", _threads);

    /// <summary>The iterator is attached, not run: each read of it is one pass.</summary>
    public override IEnumerable<BpfLink> Attach(BpfObject bpf, RunContext context)
    {
        _iterator = bpf.Program("ig_snap_proc").AttachIterator();
        yield return _iterator;
    }

    public override void Collect(RunContext context, Frame frame)
    {
        var iterator = _iterator ?? throw new InvalidOperationException("snapshot process collected before it was attached");
        var snapshot = ProcessSnapshot.Take(iterator, _threads, context.Wants);
        foreach (var entry in snapshot.Entries)
            frame.Add(ProcessRow.From(entry));
        context.Verbose?.WriteLine($"ig: snapshot process: {snapshot.FromIterator} entries from the task iterator ({snapshot.IteratorTime.TotalMilliseconds:F1} ms), {snapshot.FromProc} from /proc ({snapshot.ProcTime.TotalMilliseconds:F1} ms)");
    }
}
