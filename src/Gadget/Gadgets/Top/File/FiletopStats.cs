using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Gadget.Gadgets.Top.Files;

/// <summary>Mirror of struct filetop_key (filetop.bpf.c): a thread and a file, by inode and device.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct FiletopKey
{
    public ulong MntnsId;
    public ulong Inode;

    /// <summary>The file system's device as the kernel encodes it (major &lt;&lt; 20 | minor).</summary>
    public uint Dev;
    public uint Pid;
    public uint Tid;
    public uint Pad;
}

/// <summary>The dentry name of struct filetop_value: NAME_MAX bytes and a NUL.</summary>
[InlineArray(256)]
public struct FileNameBytes
{
    private byte _first;
}

/// <summary>The padding at the end of struct filetop_value.</summary>
[InlineArray(7)]
public struct FiletopPad
{
    private byte _first;
}

/// <summary>Mirror of struct filetop_value (filetop.bpf.c): what one thread did to one file in
/// an interval, and who and what they are.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct FiletopValue
{
    public ulong Reads;
    public ulong ReadBytes;
    public ulong Writes;
    public ulong WriteBytes;
    public uint Uid;
    public uint Gid;
    public CommBytes Comm;
    public FileNameBytes Filename;

    /// <summary>'R' regular file, 'S' socket, 'O' anything else.</summary>
    public byte Type;
    public FiletopPad Pad;
}
