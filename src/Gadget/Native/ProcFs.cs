using System.Buffers.Binary;
using System.Buffers.Text;

namespace Gadget.Native;

/// <summary>The two /proc reads the container sweep makes of every process, every few seconds,
/// for as long as ig runs: done with syscalls into stack buffers, so that a sweep allocates
/// nothing per process (through .NET's file APIs it left some 250 bytes of garbage per
/// process, which on a quiet machine kept the heap growing until the first collection).</summary>
public static unsafe class ProcFs
{
    /// <summary>Fills <paramref name="pids"/> with the processes in /proc (growing it when
    /// full) and returns how many there are.</summary>
    public static int ListPids(ref int[] pids)
    {
        int fd;
        fixed (byte* proc = "/proc\0"u8)
            fd = Interop.Libc.open_bytes(proc, Interop.Libc.O_DIRECTORY | Interop.Libc.O_CLOEXEC);
        if (fd < 0)
            return 0;
        try
        {
            var count = 0;
            var buffer = stackalloc byte[8192];
            nint read;
            while ((read = Interop.Libc.getdents64(fd, buffer, 8192)) > 0)
            {
                // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
                for (var offset = 0; offset < read;)
                {
                    var entry = new ReadOnlySpan<byte>(buffer + offset, (int)read - offset);
                    var length = BinaryPrimitives.ReadUInt16LittleEndian(entry[16..]);
                    var name = entry[19..length];
                    name = name[..name.IndexOf((byte)0)];
                    if (Utf8Parser.TryParse(name, out int pid, out var used) && used == name.Length)
                    {
                        if (count == pids.Length)
                            Array.Resize(ref pids, pids.Length * 2);
                        pids[count++] = pid;
                    }
                    offset += length;
                }
            }
            return count;
        }
        finally
        {
            Interop.Libc.close(fd);
        }
    }

    /// <summary>Reads the target of /proc/&lt;pid&gt;/ns/&lt;kind&gt; ("mnt:[4026531841]") into
    /// <paramref name="target"/>; false when the process is gone or the link is out of reach.</summary>
    public static bool TryReadNamespaceLink(int pid, ReadOnlySpan<byte> kind, Span<byte> target, out int length)
    {
        length = 0;
        // "/proc/<pid>/ns/<kind>\0"
        Span<byte> path = stackalloc byte[64];
        "/proc/"u8.CopyTo(path);
        if (!pid.TryFormat(path[6..], out var digits, provider: System.Globalization.CultureInfo.InvariantCulture) ||
            6 + digits + 4 + kind.Length + 1 > path.Length)
            return false;
        var written = 6 + digits;
        "/ns/"u8.CopyTo(path[written..]);
        written += 4;
        kind.CopyTo(path[written..]);
        path[written + kind.Length] = 0;
        nint read;
        fixed (byte* p = path)
        fixed (byte* t = target)
            read = Interop.Libc.readlink(p, t, (nuint)target.Length);
        length = (int)Math.Max(read, 0);
        return read > 0;
    }
}
