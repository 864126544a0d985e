using Gadget.Native;
using Gadget.Gadgets.Common;

namespace Gadget.Gadgets.Trace.Tcpconnect;

/// <summary>trace tcpconnect: every active TCP open (the SYN a connect sends), with the
/// connect latency when asked for.</summary>
public sealed class TcpconnectGadget : TraceGadget
{
    public override string Category => "trace";
    public override string Name => "tcpconnect";
    public override string Description => "Trace connect system calls";
    protected internal override string BpfObjectName => "tcpconnect.bpf.o";
    public override int MinimumRecordSize => System.Runtime.CompilerServices.Unsafe.SizeOf<TcpconnectEvent>();

    protected override IReadOnlyList<GadgetParameter> OwnParameters { get; } =
    [
        new("latency", "Calculate connection latency", ParameterKind.Bool, DefaultValue: "false"),
        new("min", "Show only connect events with higher latency than min (a duration such as 10ms or 1.5s; implies --latency)", ParameterKind.String, DefaultValue: "0"),
    ];

    protected override IReadOnlyList<EventField> Fields { get; } =
    [
        ProcessFields.Pid(),
        ProcessFields.Tid(),
        // The reference declares uid and gid without omitempty: root's 0 is shown, not left out.
        ProcessFields.Uid(),
        ProcessFields.Gid(),
        ProcessFields.Comm(),
        new UIntField("ip", static (in EventRecord r) => r.As<TcpconnectEvent>().Src.Version)
        { JsonPath = "ipversion", Width = 2, Alignment = FieldAlignment.Left, Description = "IP version (4 or 6)" },
        .. EndpointFields.Create("src", "Source", static (in EventRecord r) => ref r.As<TcpconnectEvent>().Src),
        .. EndpointFields.Create("dst", "Destination", static (in EventRecord r) => ref r.As<TcpconnectEvent>().Dst),
        new CustomField("latency", WriteLatency) { Width = 12, Alignment = FieldAlignment.Right, Description = "Time from the SYN to the answer (--latency); nanoseconds in JSON" },
        new UIntField("netns", static (in EventRecord r) => r.As<TcpconnectEvent>().NetnsId) { JsonPath = "netnsid", Width = 12, Description = "Network namespace id of the socket" },
    ];

    public override IReadOnlyList<string> DefaultColumns(ParameterValues parameters) =>
        WithLatency(parameters)
            ? ["pid", "comm", "ip", "src", "dst", "latency"]
            : ["pid", "comm", "ip", "src", "dst"];

    public override void Validate(ParameterValues parameters) => MinLatency(parameters);

    public override void Configure(BpfObject bpf, ParameterValues parameters)
    {
        var latency = WithLatency(parameters);
        bpf.SetConstant("with_latency", latency);
        bpf.SetConstant("min_latency_ns", MinLatency(parameters));
        // With latency, only the answer sends the event: the exit of connect() has nothing to do.
        bpf.Program("trace_tcpconnect_exit").Autoload = !latency;
    }

    /// <summary>--min in nanoseconds, or a <see cref="GadgetException"/> for text that is not a duration.</summary>
    public static ulong MinLatency(ParameterValues parameters)
    {
        var text = parameters.GetString("min") ?? "0";
        return GoDuration.TryParse(text, out var nanoseconds)
            ? nanoseconds
            : throw new GadgetException($"invalid value \"{text}\" for --min: expected a duration such as 10ms, 250us or 1.5s");
    }

    /// <summary>--latency, or --min above zero (a minimum latency means measuring it).</summary>
    public static bool WithLatency(ParameterValues parameters) =>
        parameters.GetBool("latency") || MinLatency(parameters) > 0;

    private static void WriteLatency(in EventRecord r, IFieldSink sink)
    {
        var nanoseconds = r.As<TcpconnectEvent>().LatencyNs;
        if (sink is not IColumnSink)
        {
            sink.UInt(nanoseconds); // Go's time.Duration in JSON: nanoseconds
            return;
        }
        if (nanoseconds == 0)
            return;
        Span<byte> text = stackalloc byte[GoDuration.MaxLength];
        sink.Utf8(text[..GoDuration.Format((long)nanoseconds, text)]);
    }
}
