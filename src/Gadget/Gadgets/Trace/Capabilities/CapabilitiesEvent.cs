using System.Runtime.InteropServices;

namespace Gadget.Gadgets.Trace.Capabilities;

/// <summary>Mirror of struct capabilities_event (capabilities.bpf.c).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct CapabilitiesEvent
{
    public EventHeader Header;
    public int Syscall;
    public int Cap;
    public int Ret;
    public byte Audit;
    public sbyte Insetid;
    public ushort Pad;
    public ulong TargetUserns;
    public ulong CurrentUserns;
    public ulong Caps;
}
