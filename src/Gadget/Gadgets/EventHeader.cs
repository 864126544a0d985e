using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Gadget.Gadgets;

/// <summary>The 16-byte command name of a task (TASK_COMM_LEN), NUL-padded.</summary>
[InlineArray(16)]
public struct CommBytes
{
    private byte _first;
}

/// <summary>Mirror of struct gadget_event_header (bpf/include/gadget.h): the prefix of every record.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct EventHeader
{
    /// <summary>Nanoseconds since boot.</summary>
    public ulong Timestamp;
    public ulong MntnsId;
    public uint Pid;
    public uint Tid;
    public uint Uid;
    public uint Gid;
    public CommBytes Comm;
}
