using System.Runtime.InteropServices;
using Gadget.Gadgets.Common;

namespace Gadget.Gadgets.Trace.Tcpconnect;

/// <summary>Mirror of struct tcpconnect_event (tcpconnect.bpf.c).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct TcpconnectEvent
{
    public EventHeader Header;
    public ulong NetnsId;
    public L4Endpoint Src;
    public L4Endpoint Dst;
    public ulong LatencyNs;
}
