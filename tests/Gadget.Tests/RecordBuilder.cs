using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Gadget.Gadgets;

namespace Gadget.Tests;

/// <summary>Builds raw ring buffer records (an event struct and its variable data) the way
/// the BPF programs lay them out, so decoders can be tested without a kernel.</summary>
internal static class RecordBuilder
{
    public static byte[] Build<T>(T evt, params byte[][] tails) where T : unmanaged
    {
        var size = Unsafe.SizeOf<T>();
        var bytes = new byte[size + tails.Sum(t => t.Length)];
        MemoryMarshal.Write(bytes, in evt);
        var offset = size;
        foreach (var tail in tails)
        {
            tail.CopyTo(bytes, offset);
            offset += tail.Length;
        }
        return bytes;
    }

    public static EventHeader Header(uint pid, string comm, ulong mntns = 4026531840, ulong bootNs = 1_000_000_000)
    {
        var header = new EventHeader { Pid = pid, Tid = pid + 1, Uid = 1000, Gid = 100, MntnsId = mntns, Timestamp = bootNs };
        Encoding.UTF8.GetBytes(comm).AsSpan().CopyTo(header.Comm);
        return header;
    }

    /// <summary>NUL-terminated UTF-8.</summary>
    public static byte[] CString(string text) => Encoding.UTF8.GetBytes(text + "\0");

    public static CommBytes Comm(string text)
    {
        var comm = new CommBytes();
        Encoding.UTF8.GetBytes(text).AsSpan().CopyTo(comm);
        return comm;
    }
}
