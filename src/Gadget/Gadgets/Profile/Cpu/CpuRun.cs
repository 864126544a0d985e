using System.Numerics;
using Gadget.Gadgets.Profile.Cpu.Symbols;
using Gadget.Native;

namespace Gadget.Gadgets.Profile.Cpu;

/// <summary>One run of profile cpu: a sampling perf event per CPU with the program attached,
/// the samples taken out of the kernel every second (<see cref="StackCollector"/>), and at the
/// stop, the report with every frame named.</summary>
internal sealed class CpuRun : FrameRun
{
    private static readonly TimeSpan CollectEvery = TimeSpan.FromSeconds(1);

    private readonly bool _userOnly;
    private readonly bool _kernelOnly;
    private readonly uint _frequency;
    private readonly Lock _lock = new();
    private readonly UserSymbolizer _symbolizer = new();
    private StackCollector? _collector;
    private Timer? _timer;
    private bool _stopped;
    private TextWriter? _verbose;

    public CpuRun(bool userOnly, bool kernelOnly, uint frequency)
    {
        _userOnly = userOnly;
        _kernelOnly = kernelOnly;
        _frequency = frequency;
    }

    public override string BpfObjectName => "profile_cpu.bpf.o";

    /// <summary>Stacks the stack map holds: enough for a second of samples of every CPU many
    /// times over, since a stack whose bucket is taken is lost; capped, since each entry takes
    /// a kilobyte of kernel memory (127 addresses).</summary>
    internal static uint StackMapEntries(int cpus, uint frequency) =>
        (uint)Math.Clamp(BitOperations.RoundUpToPowerOf2((ulong)cpus * frequency * 32), 8192UL, 1UL << 15);

    public override void Configure(BpfObject bpf)
    {
        bpf.SetConstant("user_stacks_only", _userOnly);
        bpf.SetConstant("kernel_stacks_only", _kernelOnly);
        bpf.Map("stackmap").MaxEntries = StackMapEntries(PerfEvents.OnlineCpus().Count, _frequency);
    }

    public override IEnumerable<BpfLink> Attach(BpfObject bpf, RunContext context)
    {
        _verbose = context.Verbose;
        var program = bpf.Program("ig_prof_cpu");
        foreach (var cpu in PerfEvents.OnlineCpus())
            yield return AttachTo(program, cpu);
        _collector = new StackCollector(bpf.Map("counts"), bpf.Map("stackmap"), _symbolizer);
        _timer = new Timer(_ => Tick(), null, CollectEvery, CollectEvery);
    }

    private BpfLink AttachTo(BpfProgram program, int cpu)
    {
        var perf = PerfEvents.OpenCpuClockSampler(cpu, _frequency);
        try
        {
            return program.AttachPerfEvent(perf); // the link owns the event from here
        }
        catch
        {
            perf.Dispose();
            throw;
        }
    }

    private void Tick()
    {
        lock (_lock)
        {
            if (_stopped || _collector is null)
                return;
            try
            {
                _collector.Collect();
            }
            catch (Exception e) when (e is LibbpfException or IOException or UnauthorizedAccessException)
            {
                // What is not taken now is taken at the next collection, or at the stop.
                _verbose?.WriteLine($"profile cpu: collecting samples: {e.Message}");
            }
        }
    }

    public override void Collect(RunContext context, Frame frame)
    {
        List<StackRow> rows;
        lock (_lock)
        {
            _stopped = true;
            _timer?.Dispose();
            if (_collector is null)
                return;
            _collector.Collect();
            var kernel = _userOnly ? KernelSymbols.Empty : KernelSymbols.Load();
            rows = StackReport.Build(_collector.Samples, _symbolizer, kernel, (ulong)BootClock.NowNanoseconds());
            if (_collector.SamplesWithLostStacks > 0)
                context.Warnings.WriteLine($"profile cpu: {_collector.SamplesWithLostStacks} samples lost their user or kernel stack (the stack map's bucket was taken); they count with what was kept");
            if (_symbolizer.UnreadableProcesses > 0)
                context.Warnings.WriteLine($"profile cpu: {_symbolizer.UnreadableProcesses} processes exited before their memory maps were read: their user frames are raw addresses");
        }
        foreach (var row in rows)
            frame.Add(row);
    }

    public override void Dispose()
    {
        lock (_lock)
        {
            _stopped = true;
            _timer?.Dispose();
            _symbolizer.Dispose();
        }
        base.Dispose();
    }
}
