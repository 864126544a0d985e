using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Gadget.Containers.Procfs;

/// <summary>The arguments of an execve that a process is blocked in. While the exec is held
/// (by a fanotify permission check), /proc/&lt;pid&gt;/cmdline still shows the old program; the
/// new arguments are read from the old program's memory, at the argv pointer the syscall
/// received (/proc/&lt;pid&gt;/syscall gives the syscall number and its arguments).</summary>
public static class PendingExec
{
    private const long ExecveX64 = 59;
    private const long ExecveatX64 = 322;
    private const int MaxArgs = 256;
    private const int MaxArgLength = 4096;

    /// <summary>The argv of the pending execve of <paramref name="pid"/>, or null.</summary>
    public static IReadOnlyList<string>? TryReadArguments(int pid)
    {
        try
        {
            if (!TryParseSyscall(File.ReadAllText($"/proc/{pid}/syscall"), out var number, out var args))
                return null;
            var argv = number switch
            {
                ExecveX64 => args[1],
                ExecveatX64 => args[2],
                _ => 0UL,
            };
            if (argv == 0)
                return null;
            using var memory = File.OpenHandle($"/proc/{pid}/mem", FileMode.Open, FileAccess.Read);
            return ReadStringArray(memory, argv);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Parses "59 0x55d0 0x7ffd 0x7ffd 0x0 0x0 0x0 0x7ffc 0x7f12": the number and six arguments.</summary>
    public static bool TryParseSyscall(ReadOnlySpan<char> text, out long number, out ulong[] args)
    {
        args = new ulong[6];
        number = -1;
        Span<Range> parts = stackalloc Range[10];
        var count = text.Trim().Split(parts, ' ', StringSplitOptions.RemoveEmptyEntries);
        if (count < 7 || !long.TryParse(text.Trim()[parts[0]], NumberStyles.None, CultureInfo.InvariantCulture, out number))
            return false;
        for (var i = 0; i < 6; i++)
        {
            var hex = text.Trim()[parts[i + 1]];
            if (!hex.StartsWith("0x") || !ulong.TryParse(hex[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out args[i]))
                return false;
        }
        return true;
    }

    private static List<string>? ReadStringArray(SafeFileHandle memory, ulong address)
    {
        var result = new List<string>();
        Span<byte> pointer = stackalloc byte[8];
        var text = new byte[MaxArgLength];
        for (var i = 0; i < MaxArgs; i++)
        {
            if (RandomAccess.Read(memory, pointer, (long)address + (i * 8)) != 8)
                return null;
            var arg = BitConverter.ToUInt64(pointer);
            if (arg == 0)
                return result;
            var read = RandomAccess.Read(memory, text, (long)arg);
            var end = Array.IndexOf(text, (byte)0, 0, read);
            result.Add(Encoding.UTF8.GetString(text, 0, end < 0 ? read : end));
        }
        return result;
    }
}
