using System.Runtime.InteropServices;
using Gadget.Gadgets.Common;

namespace Gadget.Gadgets.Top.Tcp;

/// <summary>Mirror of struct tcptop_key (tcptop.bpf.c): a process (with its command name, as
/// the reference keys it) and one TCP connection as that process's socket sees it.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct TcptopKey
{
    public ulong MntnsId;
    public ulong NetnsId;
    public uint Pid;
    public uint Pad;
    public CommBytes Comm;
    public L4Endpoint Src;
    public L4Endpoint Dst;
}

/// <summary>Mirror of struct tcptop_value (tcptop.bpf.c): bytes the process moved in an interval.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct TcptopValue
{
    public ulong Sent;
    public ulong Received;
}
