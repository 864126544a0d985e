using System.Runtime.CompilerServices;
using Gadget.Native;
using Gadget.Gadgets.Common;

namespace Gadget.Gadgets.Trace.Dns;

/// <summary>trace dns: DNS queries and responses over UDP and TCP, sent or received by any process,
/// in any network namespace, attributed to the process owning the socket.</summary>
public sealed class DnsGadget : TraceGadget
{
    /// <summary>DNS_CAPTURE_MAX in dns.bpf.c: bytes of each message kept for decoding.</summary>
    public const int CaptureLimit = 512;

    /// <summary>Addresses reported per response, as in the reference.</summary>
    public const int MaxAddresses = 8;

    private const byte IpProtoTcp = 6;

    public override string Category => "trace";
    public override string Name => "dns";
    public override string Description => "Trace DNS requests";
    protected internal override string BpfObjectName => "dns.bpf.o";

    /// <summary>The kernel sends at least the 12-byte DNS header.</summary>
    public override int MinimumRecordSize => Unsafe.SizeOf<DnsEvent>() + DnsMessage.HeaderLength;

    protected override IReadOnlyList<GadgetParameter> OwnParameters { get; } =
    [
        new("ports", "Ports to trace DNS requests on, comma-separated (TCP and UDP)", ParameterKind.StringList, Alias: 'P', DefaultValue: "53,5353"),
        new("dns-timeout", "Timeout waiting for a response to a DNS query (used to calculate latency)", ParameterKind.String, DefaultValue: "10s"),
    ];

    protected override IReadOnlyList<EventField> Fields { get; } =
    [
        new UIntField("netns", static (in EventRecord r) => r.As<DnsEvent>().NetnsId) { JsonPath = "netnsid", Width = 12, Description = "Network namespace id of the socket" },
        ProcessFields.Pid("Process id of the socket's owner"),
        ProcessFields.Tid("Thread id of the socket's owner"),
        ProcessFields.Comm("Command name of the socket's owner"),
        ProcessFields.Uid(),
        ProcessFields.Gid(),
        new CustomField("srcIP", static (in EventRecord r, IFieldSink s) => WriteAddress(r.As<DnsEvent>().Saddr, r, s)) { Width = 16 },
        new CustomField("dstIP", static (in EventRecord r, IFieldSink s) => WriteAddress(r.As<DnsEvent>().Daddr, r, s)) { Width = 16 },
        new UIntField("srcPort", static (in EventRecord r) => r.As<DnsEvent>().Sport) { Width = 7 },
        new UIntField("dstPort", static (in EventRecord r) => r.As<DnsEvent>().Dport) { Width = 7 },
        new CustomField("proto", static (in EventRecord r, IFieldSink s) => s.Utf8(r.As<DnsEvent>().Proto == IpProtoTcp ? "TCP"u8 : "UDP"u8)) { JsonPath = "protocol", Width = 5 },
        new CustomField("id", WriteId) { Width = 4, Description = "DNS message id (hexadecimal)" },
        new CustomField("qr", static (in EventRecord r, IFieldSink s) => s.Utf8(Message(r).IsResponse ? "R"u8 : "Q"u8)) { Width = 2, Description = "Q for a query, R for a response" },
        new CustomField("nameserver", WriteNameserver) { Width = 16, Description = "The server's address: the destination of a query, the source of a response" },
        new CustomField("type", static (in EventRecord r, IFieldSink s) => s.Utf8(DnsNames.PacketType(r.As<DnsEvent>().PktType))) { JsonPath = "pktType", Width = 9, Description = "OUTGOING (sent) or HOST (received)" },
        new CustomField("qtype", WriteQueryType) { Width = 10, Description = "Query type (A, AAAA, MX, ...)" },
        new CustomField("name", WriteName) { Width = 30, Description = "The queried name" },
        new CustomField("rcode", WriteResponseCode) { Width = 20, Description = "Response code of a response" },
        new CustomField("latency", WriteLatency) { Width = 12, Description = "Time from the query to this response, on the same socket" },
        new CustomField("numAnswers", static (in EventRecord r, IFieldSink s) => s.Int(Message(r).AnswerCount)) { Width = 10, Alignment = FieldAlignment.Right, Description = "Number of answers in the response" },
        new CustomField("addresses", WriteAddresses) { Width = 32, ListSeparator = ",", Description = $"Addresses in the response (A and AAAA answers, at most {MaxAddresses})" },
    ];

    public override IReadOnlyList<string> DefaultColumns(ParameterValues parameters) =>
        ["pid", "tid", "comm", "qr", "type", "qtype", "name", "rcode", "numAnswers"];

    public override void Validate(ParameterValues parameters)
    {
        DnsPorts.Parse(parameters.GetStringList("ports"));
        QueryTimeout(parameters);
    }

    public override void Configure(BpfObject bpf, ParameterValues parameters)
    {
        DnsPorts.Parse(parameters.GetStringList("ports"));
        bpf.SetConstant("query_timeout_ns", QueryTimeout(parameters));
        SocketOwners.Configure(bpf);
    }

    /// <summary>--dns-timeout in nanoseconds: a duration above zero.</summary>
    public static ulong QueryTimeout(ParameterValues parameters)
    {
        var text = parameters.GetString("dns-timeout") ?? "10s";
        if (!GoDuration.TryParse(text, out var nanoseconds))
            throw new GadgetException($"invalid value \"{text}\" for --dns-timeout: expected a duration such as 10s or 500ms");
        return nanoseconds > 0 ? nanoseconds : throw new GadgetException("invalid value for --dns-timeout: DNS timeout must be > 0");
    }

    public override void Populate(BpfObject bpf, ParameterValues parameters) =>
        bpf.Map("dns_ports").Update(0u, DnsPorts.ToBitmap(DnsPorts.Parse(parameters.GetStringList("ports"))));

    public override IEnumerable<BpfLink> Attach(BpfObject bpf, ParameterValues parameters)
    {
        using var root = SocketOwners.OpenCgroupRoot("trace dns");
        foreach (var link in SocketOwners.Attach(bpf, root))
            yield return link;
        yield return bpf.Program("ig_dns_egress").AttachCgroup(root);
        yield return bpf.Program("ig_dns_ingress").AttachCgroup(root);
    }

    /// <summary>Drops what the kernel took for DNS but has no readable question.</summary>
    public override IEventFilter? CreateFilter(ParameterValues parameters) => QuestionFilter.Instance;

    private static DnsMessage Message(in EventRecord r) =>
        new(Utf8Strings.Take(r.Tail<DnsEvent>(), r.As<DnsEvent>().DataSize));

    private static void WriteAddress(in AddressBytes address, in EventRecord r, IFieldSink sink)
    {
        Span<byte> text = stackalloc byte[IpAddressText.MaxLength];
        sink.Utf8(text[..IpAddressText.Format(address, r.As<DnsEvent>().IpVersion, text)]);
    }

    private static void WriteNameserver(in EventRecord r, IFieldSink sink)
    {
        ref readonly var e = ref r.As<DnsEvent>();
        WriteAddress(Message(r).IsResponse ? e.Saddr : e.Daddr, r, sink);
    }

    private static void WriteId(in EventRecord r, IFieldSink sink)
    {
        Span<byte> text = stackalloc byte[4];
        Message(r).Id.TryFormat(text, out _, "x4");
        sink.Utf8(text);
    }

    private static void WriteQueryType(in EventRecord r, IFieldSink sink)
    {
        Span<byte> name = stackalloc byte[DnsMessage.MaxNameLength];
        if (Message(r).TryReadQuestion(name, out _, out var type, out _))
            sink.Utf8(DnsNames.QueryType(type));
    }

    private static void WriteName(in EventRecord r, IFieldSink sink)
    {
        Span<byte> name = stackalloc byte[DnsMessage.MaxNameLength];
        if (Message(r).TryReadQuestion(name, out var length, out _, out _))
            sink.Utf8(name[..length]);
    }

    private static void WriteResponseCode(in EventRecord r, IFieldSink sink)
    {
        var message = Message(r);
        if (message.IsResponse)
            sink.Utf8(DnsNames.ResponseCode(message.ResponseCode));
    }

    private static void WriteLatency(in EventRecord r, IFieldSink sink)
    {
        var latency = (long)r.As<DnsEvent>().LatencyNs;
        if (sink is not IColumnSink)
        {
            sink.Int(latency);
            return;
        }
        if (latency == 0)
            return;
        Span<byte> text = stackalloc byte[GoDuration.MaxLength];
        sink.Utf8(text[..GoDuration.Format(latency, text)]);
    }

    private static void WriteAddresses(in EventRecord r, IFieldSink sink)
    {
        var message = Message(r);
        Span<byte> name = stackalloc byte[DnsMessage.MaxNameLength];
        Span<byte> text = stackalloc byte[IpAddressText.MaxLength];
        sink.BeginList();
        if (message.IsResponse && message.TryReadQuestion(name, out _, out _, out var answers))
        {
            var count = 0;
            foreach (var address in message.AnswerAddresses(answers))
            {
                sink.ListItem(text[..IpAddressText.Format(address, text)]);
                if (++count == MaxAddresses)
                    break;
            }
        }
        sink.EndList();
    }

    private sealed class QuestionFilter : IEventFilter
    {
        public static readonly QuestionFilter Instance = new();

        public bool Accept(in EventRecord record)
        {
            Span<byte> name = stackalloc byte[DnsMessage.MaxNameLength];
            return Message(record).TryReadQuestion(name, out _, out _, out _);
        }
    }
}
