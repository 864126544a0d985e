using System.Runtime.CompilerServices;
using Gadget.Native;
using Gadget.Gadgets.Common;

namespace Gadget.Gadgets.Trace.Sni;

/// <summary>trace sni: the server names that TLS clients ask for (ClientHello SNI), sent or received
/// by any process, in any network namespace, attributed to the process owning the socket.</summary>
public sealed class SniGadget : TraceGadget
{
    /// <summary>SNI_CAPTURE_MAX in sni.bpf.c: bytes of each ClientHello searched for the name.</summary>
    public const int CaptureLimit = 4096;

    public override string Category => "trace";
    public override string Name => "sni";
    public override string Description => "Trace Server Name Indication (SNI) from TLS requests";
    protected internal override string BpfObjectName => "sni.bpf.o";
    public override int MinimumRecordSize => Unsafe.SizeOf<SniEvent>();

    protected override IReadOnlyList<EventField> Fields { get; } =
    [
        new UIntField("netns", static (in EventRecord r) => r.As<SniEvent>().NetnsId) { JsonPath = "netnsid", Width = 12, Description = "Network namespace id of the socket" },
        ProcessFields.Pid("Process id of the socket's owner"),
        ProcessFields.Tid("Thread id of the socket's owner"),
        ProcessFields.Comm("Command name of the socket's owner"),
        ProcessFields.Uid(),
        ProcessFields.Gid(),
        new StringField("name", static (in EventRecord r) => ServerName(r)) { Width = 30, Description = "The server name the client asked for" },
    ];

    public override IReadOnlyList<string> DefaultColumns(ParameterValues parameters) => ["pid", "tid", "comm", "name"];

    public override void Configure(BpfObject bpf, ParameterValues parameters) => SocketOwners.Configure(bpf);

    public override IEnumerable<BpfLink> Attach(BpfObject bpf, ParameterValues parameters)
    {
        using var root = SocketOwners.OpenCgroupRoot("trace sni");
        foreach (var link in SocketOwners.Attach(bpf, root))
            yield return link;
        yield return bpf.Program("ig_sni_egress").AttachCgroup(root);
        yield return bpf.Program("ig_sni_ingress").AttachCgroup(root);
    }

    /// <summary>Keeps only the ClientHellos that name a server, as the reference reports them.</summary>
    public override IEventFilter? CreateFilter(ParameterValues parameters) => ServerNameFilter.Instance;

    private static ReadOnlySpan<byte> ServerName(in EventRecord r) =>
        TlsClientHello.TryGetServerName(Utf8Strings.Take(r.Tail<SniEvent>(), r.As<SniEvent>().DataSize), out var name) ? name : default;

    private sealed class ServerNameFilter : IEventFilter
    {
        public static readonly ServerNameFilter Instance = new();

        public bool Accept(in EventRecord record) => !ServerName(record).IsEmpty;
    }
}
