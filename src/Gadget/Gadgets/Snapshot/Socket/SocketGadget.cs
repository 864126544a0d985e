using System.Globalization;
using Gadget.Gadgets.Common;

namespace Gadget.Gadgets.Snapshot.Socket;

/// <summary>snapshot socket: the TCP and UDP sockets, IPv4 and IPv6, of the network namespaces
/// of the selected containers (and the host's with --host), each namespace visited once.</summary>
/// <remarks>
/// Names, JSON fields and the default sort are the reference's. The reference's sort skips SRC and
/// DST (they have no value of their own there); here they sort by address, then port.
/// </remarks>
public sealed class SocketGadget : SnapshotGadget
{
    public const string Proto = "proto";
    public const string Extend = "extend";

    public override string Category => "snapshot";
    public override string Name => "socket";
    public override string Description => "Gather information about TCP and UDP sockets";

    protected override IReadOnlyList<GadgetParameter> OwnParameters { get; } =
    [
        new(Proto, "Show only sockets using this protocol (all, tcp, udp)", ParameterKind.String, DefaultValue: "all")
        {
            AllowedValues = ["all", "tcp", "udp"],
        },
        new(Extend, "Display other/more information (like socket inode)", ParameterKind.Bool, Alias: 'e', DefaultValue: "false"),
    ];

    public override IReadOnlyList<string> DefaultSort { get; } =
        ["k8s.node", "k8s.namespace", "k8s.podName", "protocol", "status", "src", "dst", "inode"];

    protected override IReadOnlyList<EventField> Fields { get; } =
    [
        new UIntField("netns", static (in EventRecord r) => r.Row<SocketRow>().NetnsId)
        { JsonPath = "netnsid", Width = 12, Description = "Network namespace id of the socket" },
        new StringField("protocol", static (in EventRecord r) => SocketStates.Protocol(r.Row<SocketRow>().Entry.Src.Proto))
        { Width = 8, Description = "TCP or UDP" },
        EndpointColumn("src", "Local endpoint", static row => row.SrcKey),
        .. EndpointFields.Create("src", "Local endpoint", static (in EventRecord r) => ref r.Row<SocketRow>().Entry.Src).Skip(1),
        EndpointColumn("dst", "Remote endpoint", static row => row.DstKey),
        .. EndpointFields.Create("dst", "Remote endpoint", static (in EventRecord r) => ref r.Row<SocketRow>().Entry.Dst).Skip(1),
        new CustomField("status", WriteStatus)
        {
            Width = 12,
            Description = "State of the socket: TCP's, or ACTIVE (connected) and INACTIVE for UDP",
            SortText = static (in EventRecord r) => Status(r.Row<SocketRow>().Entry),
        },
        new UIntField("inode", static (in EventRecord r) => r.Row<SocketRow>().Entry.Inode)
        { JsonPath = "inodeNumber", Width = 10, OmitEmpty = false, Description = "Inode of the socket's file (0 for one without, e.g. in TIME_WAIT)" },
    ];

    public override IReadOnlyList<string> DefaultColumns(ParameterValues parameters) =>
        parameters.GetBool(Extend) ? ["protocol", "src", "dst", "status", "inode"] : ["protocol", "src", "dst", "status"];

    public override GadgetRun CreateRun(ParameterValues parameters) => new SocketRun(parameters.GetString(Proto) ?? "all");

    /// <summary>"10.0.0.1:80", "[::1]:53" as the other network gadgets show endpoints; sorted by
    /// the row's key rather than by this text.</summary>
    private static CustomField EndpointColumn(string name, string description, Func<SocketRow, byte[]> key) =>
        new(name, name == "src" ? WriteSrc : WriteDst)
        {
            Width = 24,
            Visibility = FieldVisibility.ColumnsOnly,
            Description = description,
            SortText = (in EventRecord r) => key(r.Row<SocketRow>()),
        };

    private static void WriteSrc(in EventRecord r, IFieldSink sink) => WriteEndpoint(r.Row<SocketRow>().Entry.Src, sink);

    private static void WriteDst(in EventRecord r, IFieldSink sink) => WriteEndpoint(r.Row<SocketRow>().Entry.Dst, sink);

    private static void WriteEndpoint(in L4Endpoint endpoint, IFieldSink sink)
    {
        Span<byte> text = stackalloc byte[IpAddressText.MaxEndpointLength];
        sink.Utf8(text[..IpAddressText.FormatEndpoint(endpoint.Addr, endpoint.Version, endpoint.Port, text)]);
    }

    private static ReadOnlySpan<byte> Status(in SocketEntry entry) => SocketStates.Name(entry.Src.Proto, entry.State);

    private static void WriteStatus(in EventRecord r, IFieldSink sink)
    {
        ref readonly var entry = ref r.Row<SocketRow>().Entry;
        var name = Status(entry);
        if (name.IsEmpty)
            sink.Text(entry.State.ToString(CultureInfo.InvariantCulture)); // a state this protocol does not have
        else
            sink.Utf8(name);
    }
}
