using System.Runtime.InteropServices;

namespace Gadget.Gadgets.Trace.Mount;

/// <summary>The system call of a <see cref="MountEvent"/> (enum mount_op in mount.bpf.c).</summary>
public enum MountOperation : uint
{
    Mount = 0,
    Umount = 1,
}

/// <summary>Mirror of struct mount_event (mount.bpf.c). After it come source, target, file
/// system type and options, each NUL-terminated, in that order; a size of 0 means none.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct MountEvent
{
    public EventHeader Header;
    public ulong Latency;
    public ulong Flags;
    public int Ret;
    public uint Op;
    public ushort SourceSize;
    public ushort TargetSize;
    public ushort FsSize;
    public ushort DataSize;
}
