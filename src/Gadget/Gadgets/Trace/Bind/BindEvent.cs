using System.Runtime.InteropServices;
using Gadget.Gadgets.Common;

namespace Gadget.Gadgets.Trace.Bind;

/// <summary>Mirror of struct bind_event (bind.bpf.c).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct BindEvent
{
    public EventHeader Header;
    public ulong NetnsId;
    public int Error;
    public AddressBytes Addr;
    public int BoundDevIf;
    public ushort Port;
    public ushort Proto;
    public byte Version;
    public byte Opts;
    public BindPad Pad;
    public CommBytes Ifname;
}

/// <summary>Two bytes of padding before the interface name, as in C.</summary>
[System.Runtime.CompilerServices.InlineArray(2)]
public struct BindPad
{
    private byte _first;
}
