using Gadget.Native;

namespace Gadget.Gadgets.Trace.Signal;

/// <summary>trace signal: signals sent to processes, by whom, and whether the send worked.</summary>
public sealed class SignalGadget : TraceGadget
{
    public override string Category => "trace";
    public override string Name => "signal";
    public override string Description => "Trace signals received by processes";
    protected internal override string BpfObjectName => "signal.bpf.o";
    public override int MinimumRecordSize => System.Runtime.CompilerServices.Unsafe.SizeOf<SignalEvent>();

    protected override IReadOnlyList<GadgetParameter> OwnParameters { get; } =
    [
        new("pid", "Show only signal sent by this particular PID", ParameterKind.UInt, DefaultValue: "0"),
        new("signal", "Trace only this signal (it can be an int like 9 or string beginning with \"SIG\" like \"SIGKILL\")", ParameterKind.String)
        {
            Validator = static text => SignalNames.TryParse(text, out _) ? null : ExpectedSignal,
        },
        new("failed-only", "Show only events where the syscall sending a signal failed", ParameterKind.Bool, Alias: 'f', DefaultValue: "false"),
        new("kill-only", "Show only events issued by kill syscall", ParameterKind.Bool, Alias: 'k', DefaultValue: "false"),
    ];

    protected override IReadOnlyList<EventField> Fields { get; } =
    [
        ProcessFields.Pid("Process ID of the sender"),
        ProcessFields.Comm("Command of the sender"),
        new CustomField("signal", WriteSignal) { Width = 11, Description = "Signal name" },
        new IntField("tpid", static (in EventRecord r) => r.As<SignalEvent>().Tpid) { Description = "Target process (thread) ID" },
        new IntField("ret", static (in EventRecord r) => r.As<SignalEvent>().Ret) { Width = 4, Description = "0, or the negative errno of a failed send" },
        ProcessFields.Uid(),
        ProcessFields.Gid(),
    ];

    public override IReadOnlyList<string> DefaultColumns(ParameterValues parameters) => ["pid", "comm", "signal", "tpid", "ret"];

    private static readonly string ExpectedSignal = $"a signal name (SIGKILL or KILL) or number (1-{SignalNames.Max})";

    /// <summary>The --signal value as a number, 0 for every signal.</summary>
    public static int ParseSignal(ParameterValues parameters) =>
        parameters.GetString("signal") is { } text && SignalNames.TryParse(text, out var signal) ? signal : 0;

    public override void Validate(ParameterValues parameters) => ParseSignal(parameters);

    public override void Configure(BpfObject bpf, ParameterValues parameters)
    {
        var killOnly = parameters.GetBool("kill-only");
        bpf.SetConstant("filtered_pid", parameters.GetUInt("pid"));
        bpf.SetConstant("target_signal", ParseSignal(parameters));
        bpf.SetConstant("failed_only", parameters.GetBool("failed-only"));
        bpf.SetConstant("kill_only", killOnly);
        // Calls refused by seccomp are seen at exit only; their arguments are in the saved registers.
        bpf.SetConstant("with_regs", KernelFeatures.HasHelper(BpfProgramType.Tracepoint, BpfHelper.TaskPtRegs)
            && KernelFeatures.HasHelper(BpfProgramType.Tracepoint, BpfHelper.GetCurrentTaskBtf));
        // With --kill-only, signals the kernel generates by itself are not wanted at all.
        bpf.Program("trace_signal_generate").Autoload = !killOnly;
        bpf.Program("trace_sched_process_exit").Autoload = !killOnly;
    }

    private static void WriteSignal(in EventRecord r, IFieldSink sink)
    {
        Span<byte> scratch = stackalloc byte[12];
        sink.Utf8(SignalNames.Name(r.As<SignalEvent>().Sig, scratch));
    }
}
