using Gadget.Containers;
using Gadget.Containers.Procfs;
using Gadget.Native;

namespace Gadget.Gadgets.Snapshot.Socket;

/// <summary>One snapshot of sockets: the iterators of the chosen protocols (only those are
/// loaded), one pass of each per network namespace visited.</summary>
public sealed class SocketRun : FrameRun
{
    private const string TcpProgram = "ig_snap_tcp";
    private const string UdpProgram = "ig_snap_udp";

    private readonly string _protocols;
    private readonly List<BpfLink> _iterators = [];

    /// <param name="protocols">"all", "tcp" or "udp".</param>
    public SocketRun(string protocols) => _protocols = protocols;

    public override string BpfObjectName => "snapshot_socket.bpf.o";

    public override void Configure(BpfObject bpf)
    {
        bpf.Program(TcpProgram).Autoload = _protocols != "udp";
        bpf.Program(UdpProgram).Autoload = _protocols != "tcp";
    }

    public override IEnumerable<BpfLink> Attach(BpfObject bpf, RunContext context)
    {
        foreach (var name in new[] { TcpProgram, UdpProgram })
        {
            var program = bpf.Program(name);
            if (!program.Autoload)
                continue;
            var link = program.AttachIterator();
            _iterators.Add(link);
            yield return link;
        }
    }

    public override void Collect(RunContext context, Frame frame)
    {
        var selected = context.SelectedContainers;
        // Sockets of a namespace several containers share are theirs together: to know which
        // share it, look at every container known, not only the selected ones.
        IReadOnlyList<ContainerInfo> known = context.Containers is ContainerCollection all ? all.Snapshot() : selected;
        // The host's namespace is visited when the selection keeps the host's processes (--host).
        var includeHost = context.Wants(ProcNamespaces.HostMountNamespace);
        var entries = new List<SocketEntry>();
        var buffer = Array.Empty<byte>();
        foreach (var visit in SocketNamespaces.Plan(selected, known, OwnNetworkNamespace(), includeHost))
        {
            entries.Clear();
            if (!TryRead(visit, entries, ref buffer, context))
                continue;
            var now = BootClock.NowNanoseconds();
            foreach (var entry in entries)
                frame.Add(SocketRow.From(entry, visit.NetnsId, now), visit.Owner);
            context.Verbose?.WriteLine($"ig: snapshot socket: {entries.Count} sockets in network namespace {visit.NetnsId}{(visit.Owner is { } owner ? $" ({owner})" : "")}");
        }
    }

    private bool TryRead(SocketNamespace visit, List<SocketEntry> entries, ref byte[] buffer, RunContext context)
    {
        if (visit.Pid == 0)
        {
            SocketSnapshot.Read(_iterators, null, entries, ref buffer);
            return true;
        }
        using var netns = NetworkNamespace.TryOpen(visit.Pid);
        // Gone since it was listed, or its pid now names another process: nothing to list.
        if (netns is null || netns.Id != visit.NetnsId)
        {
            context.Verbose?.WriteLine($"ig: snapshot socket: network namespace {visit.NetnsId} is gone (process {visit.Pid})");
            return false;
        }
        SocketSnapshot.Read(_iterators, netns, entries, ref buffer);
        return true;
    }

    private static ulong OwnNetworkNamespace()
    {
        using var own = NetworkNamespace.OpenCurrent();
        return own.Id;
    }
}
