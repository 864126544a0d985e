using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Gadget.Gadgets.Trace.Fsslower;

/// <summary>Mirror of struct fsslower_event (fsslower.bpf.c).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct FsslowerEvent
{
    public EventHeader Header;
    public ulong LatencyNs;
    public long Offset;
    public ulong Bytes;
    /// <summary>A <see cref="FsslowerOp"/> (an enum field would not marshal for the layout test).</summary>
    public uint Op;
    public uint Pad;
    public DentryName File;
}

/// <summary>enum fsslower_op: the kind of operation, shown as one letter.</summary>
public enum FsslowerOp : uint
{
    Read,
    Write,
    Open,
    Fsync,
}

/// <summary>A dentry name (NAME_MAX + NUL bytes), NUL-terminated.</summary>
[InlineArray(256)]
public struct DentryName
{
    private byte _first;
}
