using System.Buffers.Text;

namespace Gadget.Gadgets.Snapshot.Process;

/// <summary>The fields of /proc/PID/task/TID/status that a process entry needs: Name, Tgid, Pid,
/// PPid, and the real Uid and Gid (the first of their four columns, as the iterator reads
/// cred->uid).</summary>
public readonly record struct ProcStatus(uint Tgid, uint Pid, uint Ppid, uint Uid, uint Gid)
{
    /// <summary>Parses the file's text; the command name, unescaped and cut to 15 bytes as the
    /// kernel's comm is, goes to <paramref name="comm"/>. False when a field is missing or bad.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, Span<byte> comm, out ProcStatus status)
    {
        status = default;
        comm.Clear();
        uint tgid = 0, pid = 0, ppid = 0, uid = 0, gid = 0;
        var found = 0;
        while (!text.IsEmpty)
        {
            var end = text.IndexOf((byte)'\n');
            var line = end < 0 ? text : text[..end];
            text = end < 0 ? default : text[(end + 1)..];
            var colon = line.IndexOf((byte)':');
            if (colon < 0)
                continue;
            var key = line[..colon];
            var value = line[(colon + 1)..].TrimStart("\t "u8);
            if (key.SequenceEqual("Name"u8))
            {
                UnescapeName(value, comm);
                found |= 1;
            }
            else if (key.SequenceEqual("Tgid"u8) && TryFirstNumber(value, out tgid))
                found |= 2;
            else if (key.SequenceEqual("Pid"u8) && TryFirstNumber(value, out pid))
                found |= 4;
            else if (key.SequenceEqual("PPid"u8) && TryFirstNumber(value, out ppid))
                found |= 8;
            else if (key.SequenceEqual("Uid"u8) && TryFirstNumber(value, out uid))
                found |= 16;
            else if (key.SequenceEqual("Gid"u8) && TryFirstNumber(value, out gid))
                found |= 32;
        }
        status = new ProcStatus(tgid, pid, ppid, uid, gid);
        return found == 63;
    }

    private static bool TryFirstNumber(ReadOnlySpan<byte> value, out uint number)
    {
        var tab = value.IndexOfAny("\t "u8);
        var digits = tab < 0 ? value : value[..tab];
        return Utf8Parser.TryParse(digits, out number, out var used) && used == digits.Length && used > 0;
    }

    /// <summary>The kernel writes the name with "\n" for a newline and "\\" for a backslash
    /// (proc_task_name); the entry holds the raw bytes, at most 15 of them and a NUL.</summary>
    private static void UnescapeName(ReadOnlySpan<byte> value, Span<byte> comm)
    {
        var length = 0;
        var max = Math.Min(comm.Length - 1, 15);
        for (var i = 0; i < value.Length && length < max; i++)
        {
            var c = value[i];
            if (c == (byte)'\\' && i + 1 < value.Length && value[i + 1] is (byte)'n' or (byte)'\\')
                c = value[++i] == (byte)'n' ? (byte)'\n' : (byte)'\\';
            comm[length++] = c;
        }
    }
}
