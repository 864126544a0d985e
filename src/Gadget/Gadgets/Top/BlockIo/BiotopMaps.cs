using System.Runtime.InteropServices;

namespace Gadget.Gadgets.Top.BlockIo;

/// <summary>Mirror of struct biotop_key (biotop.bpf.c): one row of the table, keyed as the
/// reference keys it.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct BiotopKey
{
    public ulong MntnsId;
    public uint Pid;
    /// <summary>1 for a write request, 0 otherwise.</summary>
    public int Write;
    public int Major;
    public int Minor;
    public CommBytes Comm;
}

/// <summary>Mirror of struct biotop_value (biotop.bpf.c): what the row's requests added up to.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct BiotopValue
{
    public ulong Bytes;
    /// <summary>Microseconds from issue to completion, summed over the requests.</summary>
    public ulong Us;
    public uint Ops;
    public uint Pad;
}
