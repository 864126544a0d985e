using Gadget.Gadgets;
using Gadget.Gadgets.Snapshot.Process;
using Gadget.Gadgets.Snapshot.Socket;
using Gadget.Gadgets.Trace.Bind;
using Gadget.Gadgets.Trace.Capabilities;
using Gadget.Gadgets.Trace.Dns;
using Gadget.Gadgets.Trace.Exec;
using Gadget.Gadgets.Trace.Fsslower;
using Gadget.Gadgets.Trace.Mount;
using Gadget.Gadgets.Trace.Oomkill;
using Gadget.Gadgets.Trace.Open;
using Gadget.Gadgets.Trace.Signal;
using Gadget.Gadgets.Trace.Sni;
using Gadget.Gadgets.Trace.Tcp;
using Gadget.Gadgets.Trace.Tcpconnect;

namespace Gadget.Runtime;

/// <summary>Every gadget the product offers; the CLI builds its command tree from this list.</summary>
public static class GadgetCatalog
{
    public static IReadOnlyList<GadgetDefinition> All { get; } =
    [
        // trace
        new BindGadget(),
        new DnsGadget(),
        new ExecGadget(),
        new OpenGadget(),
        new SniGadget(),
        new FsslowerGadget(),
        new TcpGadget(),
        new TcpconnectGadget(),
        new MountGadget(),
        new SignalGadget(),
        new OomkillGadget(),
        new CapabilitiesGadget(),

        // top
        new Gadgets.Top.BlockIo.BlockIoGadget(),
        new Gadget.Gadgets.Top.Files.FileGadget(),
        new Gadget.Gadgets.Top.Tcp.TcpGadget(),

        // snapshot
        new ProcessGadget(),
        new SocketGadget(),

        // profile
        new Gadgets.Profile.BlockIo.BlockIoGadget(),
        new Gadget.Gadgets.Profile.Cpu.CpuGadget(),
    ];

    public static IReadOnlyList<TraceGadget> TraceGadgets { get; } = All.OfType<TraceGadget>().ToList();

    /// <summary>One-line help of each category, as the reference words it.</summary>
    public static IReadOnlyDictionary<string, string> Categories { get; } = new Dictionary<string, string>
    {
        ["trace"] = "Trace and print system events",
        ["top"] = "Gather, sort and periodically report events according to a given criteria",
        ["snapshot"] = "Take a snapshot of a subsystem and print it",
        ["profile"] = "Profile different subsystems",
    };

    public static GadgetDefinition? Find(string category, string name) =>
        All.FirstOrDefault(g => g.Category == category && (g.Name == name || g.Aliases.Contains(name)));
}
