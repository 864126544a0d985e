using Gadget.Native;

namespace Gadget.Gadgets.Top.Tcp;

/// <summary>One run of top tcp: the filters set in the kernel, and each interval's rows.</summary>
internal sealed class TcpRun : FrameRun
{
    private const ushort AfInet = 2;
    private const ushort AfInet6 = 10;

    private readonly uint _pid;
    private readonly int _ipVersion;
    private readonly List<KeyValuePair<TcptopKey, TcptopValue>> _entries = [];
    private AlternatingStatsMaps? _maps;

    /// <param name="pid">Only this process; 0 for all.</param>
    /// <param name="ipVersion">4 or 6; 0 for both.</param>
    public TcpRun(uint pid, int ipVersion)
    {
        _pid = pid;
        _ipVersion = ipVersion;
    }

    public override string? BpfObjectName => "tcptop.bpf.o";

    public override void Configure(BpfObject bpf)
    {
        bpf.SetConstant("target_pid", _pid);
        bpf.SetConstant("target_family", _ipVersion switch { 4 => AfInet, 6 => AfInet6, _ => (ushort)0 });
    }

    public override void Populate(BpfObject bpf) => _maps = new AlternatingStatsMaps(bpf);

    public override void Collect(RunContext context, Frame frame)
    {
        _maps!.TakeInterval(_entries);
        var now = (ulong)BootClock.NowNanoseconds();
        foreach (var (key, value) in _entries)
            frame.Add(TcpRow.From(key, value, now));
    }
}
