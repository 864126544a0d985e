using System.Runtime.InteropServices;

namespace Gadget.Gadgets.Snapshot.Process;

/// <summary>Mirror of struct snapshot_process_entry (snapshot_process.bpf.c): one process, or one
/// thread with --threads. In the header, Pid is the thread group id and Tid the task's own id.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct ProcessEntry
{
    /// <summary><see cref="ProcessRecordKind.Entry"/> in the iterator's output.</summary>
    public uint Kind;

    /// <summary>Thread group id of the real parent (/proc's PPid); 0 for an init.</summary>
    public uint Ppid;

    public EventHeader Header;
}

/// <summary>Mirror of struct snapshot_process_seen: a process the mount-namespace filter left out.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct ProcessSeen
{
    public uint Kind;
    public uint Tgid;
}

/// <summary>enum snapshot_process_kind: what the record at hand in the iterator's output is.</summary>
public enum ProcessRecordKind : uint
{
    Entry = 1,
    Seen = 2,
}
