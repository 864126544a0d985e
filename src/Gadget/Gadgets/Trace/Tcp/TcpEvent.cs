using System.Runtime.InteropServices;
using Gadget.Gadgets.Common;

namespace Gadget.Gadgets.Trace.Tcp;

/// <summary>enum tcp_event_type (tcp.bpf.c).</summary>
public enum TcpEventType : byte
{
    Connect,
    Accept,
    Close,
}

/// <summary>Mirror of struct tcp_event (tcp.bpf.c).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct TcpEvent
{
    public EventHeader Header;
    public ulong NetnsId;
    public int Error;
    public L4Endpoint Src;
    public L4Endpoint Dst;
    /// <summary>A <see cref="TcpEventType"/>.</summary>
    public byte Type;
    public TcpPad Pad;
}

/// <summary>The three bytes that end struct tcp_event.</summary>
[System.Runtime.CompilerServices.InlineArray(3)]
public struct TcpPad
{
    private byte _first;
}
