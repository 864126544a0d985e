using System.Runtime.InteropServices;

namespace Gadget.Gadgets.Trace.Exec;

/// <summary>Mirror of struct exec_event (exec.bpf.c). After it come the NUL-separated
/// arguments, then the cwd and the executable path when --paths is set.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct ExecEvent
{
    public EventHeader Header;
    public uint Ppid;
    public uint Loginuid;
    public uint Sessionid;
    public int Error;
    public CommBytes Pcomm;
    public uint ArgsSize;
    public ushort CwdSize;
    public ushort ExepathSize;
    public byte ArgsTruncated;
}
