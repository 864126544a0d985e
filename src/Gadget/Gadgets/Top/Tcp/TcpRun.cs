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

    /// <summary>The programs of each way of hooking (tcptop.bpf.c).</summary>
    internal static readonly string[] TracepointPrograms = ["tcptop_send", "tcptop_recv"];
    internal static readonly string[] KprobePrograms = ["tcptop_kp_send", "tcptop_kp_send_ret", "tcptop_kp_recv"];

    public override string? BpfObjectName => "tcptop.bpf.o";

    public override void Configure(BpfObject bpf)
    {
        // sock:sock_send_length and sock_recv_length came in Linux 6.3; before, the
        // reference's kprobes serve where the kernel has kprobes.
        var tracepoints = KernelFeatures.HasRawTracepoint("sock_send_length") && KernelFeatures.HasRawTracepoint("sock_recv_length");
        if (!tracepoints && !KernelFeatures.HasKprobes)
            throw new GadgetException("top tcp needs the sock:sock_send_length and sock:sock_recv_length tracepoints of Linux 6.3 or later, or kprobes; this kernel has neither");
        foreach (var name in TracepointPrograms)
            bpf.Program(name).Autoload = tracepoints;
        foreach (var name in KprobePrograms)
            bpf.Program(name).Autoload = !tracepoints;
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
