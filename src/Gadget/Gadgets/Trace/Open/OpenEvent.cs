using System.Runtime.InteropServices;

namespace Gadget.Gadgets.Trace.Open;

/// <summary>Mirror of struct open_event (open.bpf.c). After it come the path as passed, then
/// the absolute path when --full-path is set, each NUL-terminated.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct OpenEvent
{
    public EventHeader Header;
    public int Fd;
    public int Error;
    public uint Flags;
    public uint Mode;
    public ushort PathSize;
    public ushort FullPathSize;
}
