using System.Runtime.InteropServices;

namespace Gadget.Gadgets.Trace.Oomkill;

/// <summary>Mirror of struct oomkill_event (oomkill.bpf.c). The header describes the victim.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct OomkillEvent
{
    public EventHeader Header;
    public uint Kpid;
    public uint Tpid;
    public uint Tuid;
    public uint Tgid;
    public ulong Pages;
    public CommBytes Kcomm;
    public CommBytes Tcomm;
}
