using System.Runtime.InteropServices;

namespace Gadget.Gadgets.Trace.Signal;

/// <summary>Mirror of struct signal_event (signal.bpf.c).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct SignalEvent
{
    public EventHeader Header;
    public int Tpid;
    public int Sig;
    public int Ret;
    public uint Pad;
}
