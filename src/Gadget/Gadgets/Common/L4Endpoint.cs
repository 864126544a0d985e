using System.Runtime.InteropServices;

namespace Gadget.Gadgets.Common;

/// <summary>Mirror of struct gadget_l4endpoint (bpf/include/gadget_sock.h): one end of a
/// connection or a bound address.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct L4Endpoint
{
    /// <summary>IPv4 in the first four bytes; network byte order.</summary>
    public AddressBytes Addr;

    /// <summary>Host byte order.</summary>
    public ushort Port;

    /// <summary>4 or 6.</summary>
    public byte Version;

    /// <summary>IPPROTO_* (6 for TCP).</summary>
    public byte Proto;
}
