using Gadget.Native;
using Gadget.Gadgets.Common;

namespace Gadget.Gadgets.Trace.Tcp;

/// <summary>trace tcp: connect, accept and close of TCP connections, IPv4 and IPv6.</summary>
public sealed class TcpGadget : TraceGadget
{
    public override string Category => "trace";
    public override string Name => "tcp";
    public override string Description => "Trace TCP connect, accept and close";
    protected internal override string BpfObjectName => "tcp.bpf.o";
    public override int MinimumRecordSize => System.Runtime.CompilerServices.Unsafe.SizeOf<TcpEvent>();

    protected override IReadOnlyList<GadgetParameter> OwnParameters { get; } =
    [
        new("accept-only", "Show only accept events", ParameterKind.Bool, DefaultValue: "false"),
        new("connect-only", "Show only connect events", ParameterKind.Bool, DefaultValue: "false"),
        new("failure-only", "Show only connect events that failed (accept and close do not fail)", ParameterKind.Bool, DefaultValue: "false"),
    ];

    private static readonly byte[][] Operations = ["connect"u8.ToArray(), "accept"u8.ToArray(), "close"u8.ToArray()];
    private static ReadOnlySpan<byte> Letters => "CAX"u8;

    protected override IReadOnlyList<EventField> Fields { get; } =
    [
        new CustomField("t", static (in EventRecord r, IFieldSink s) =>
        {
            var type = (int)r.As<TcpEvent>().Type;
            s.Utf8(type < Letters.Length ? Letters.Slice(type, 1) : "U"u8);
        })
        { Width = 1, Visibility = FieldVisibility.ColumnsOnly, Description = "C: connect, A: accept, X: close, U: unknown" },
        new CustomField("operation", static (in EventRecord r, IFieldSink s) =>
        {
            var type = (int)r.As<TcpEvent>().Type;
            s.Utf8(type < Operations.Length ? Operations[type] : "unknown"u8);
        })
        { Width = 8, Description = "connect, accept or close" },
        ProcessFields.Pid(),
        ProcessFields.Tid(),
        ProcessFields.Comm(),
        ProcessFields.Uid(),
        ProcessFields.Gid(),
        new UIntField("ip", static (in EventRecord r) => r.As<TcpEvent>().Src.Version)
        { JsonPath = "ipversion", Width = 2, Alignment = FieldAlignment.Left, Description = "IP version (4 or 6)" },
        .. EndpointFields.Create("src", "Source", static (in EventRecord r) => ref r.As<TcpEvent>().Src),
        .. EndpointFields.Create("dst", "Destination", static (in EventRecord r) => ref r.As<TcpEvent>().Dst),
        new CustomField("error", static (in EventRecord r, IFieldSink s) => s.Text(Errno.Name(r.As<TcpEvent>().Error)))
        { Width = 12, Description = "Why the connect failed" },
        new UIntField("netns", static (in EventRecord r) => r.As<TcpEvent>().NetnsId) { JsonPath = "netnsid", Width = 12, Description = "Network namespace id of the socket" },
    ];

    public override IReadOnlyList<string> DefaultColumns(ParameterValues parameters) =>
        parameters.GetBool("failure-only")
            ? ["t", "pid", "comm", "ip", "src", "dst", "error"]
            : ["t", "pid", "comm", "ip", "src", "dst"];

    public override void Validate(ParameterValues parameters)
    {
        var acceptOnly = parameters.GetBool("accept-only");
        if (acceptOnly && parameters.GetBool("connect-only"))
            throw new GadgetException("--accept-only and --connect-only exclude each other: leave both out to see both");
        if (acceptOnly && parameters.GetBool("failure-only"))
            throw new GadgetException("--accept-only and --failure-only exclude each other: accepts do not fail");
    }

    public override void Configure(BpfObject bpf, ParameterValues parameters)
    {
        Validate(parameters);
        var acceptOnly = parameters.GetBool("accept-only");
        var connectOnly = parameters.GetBool("connect-only");
        var failureOnly = parameters.GetBool("failure-only");

        bpf.SetConstant("connect_only", connectOnly);
        bpf.SetConstant("accept_only", acceptOnly);
        bpf.SetConstant("failure_only", failureOnly);
        // Owners serve close events only.
        var closes = !acceptOnly && !connectOnly && !failureOnly;
        bpf.SetConstant("track_owners", closes);
        // Attach only what the flags ask for: accepts come from accept(), the rest from state changes.
        bpf.Program("trace_tcp_state").Autoload = !acceptOnly;
        bpf.Program("trace_tcp_accept4_exit").Autoload = !connectOnly && !failureOnly;
        bpf.Program("trace_tcp_accept_exit").Autoload = !connectOnly && !failureOnly;
        bpf.Program("trace_tcp_destroy").Autoload = closes;
    }
}
