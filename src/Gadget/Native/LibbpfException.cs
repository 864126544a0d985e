using System.Diagnostics.CodeAnalysis;

namespace Gadget.Native;

/// <summary>A libbpf call failed; carries libbpf's message, the errno and what libbpf logged about it.</summary>
public sealed class LibbpfException : Exception
{
    public LibbpfException(string operation, int errno, string? libbpfLog = null)
        : base($"{operation}: {Describe(errno)}")
    {
        Operation = operation;
        Errno = errno;
        LibbpfLog = libbpfLog;
    }

    /// <summary>What was being done, e.g. "loading trace_exec".</summary>
    public string Operation { get; }

    /// <summary>The positive errno libbpf reported.</summary>
    public int Errno { get; }

    /// <summary>The warnings libbpf printed during the call (the verifier log among them), if any.</summary>
    public string? LibbpfLog { get; }

    internal static unsafe string Describe(int errno)
    {
        Span<byte> buffer = stackalloc byte[256];
        fixed (byte* p = buffer)
        {
            Interop.Libbpf.libbpf_strerror(errno, p, (nuint)buffer.Length);
            return System.Text.Encoding.UTF8.GetString(buffer[..buffer.IndexOf((byte)0)]);
        }
    }

    /// <summary>Throws for a negative libbpf return value (a negated errno).</summary>
    internal static void ThrowIfError(int result, string operation)
    {
        if (result < 0)
            Throw(operation, -result);
    }

    /// <summary>Throws for a NULL pointer result, taking the errno libbpf set.</summary>
    internal static IntPtr ThrowIfNull(IntPtr result, string operation)
    {
        if (result == IntPtr.Zero)
            Throw(operation, System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
        return result;
    }

    [DoesNotReturn]
    internal static void Throw(string operation, int errno) =>
        throw new LibbpfException(operation, errno == 0 ? 22 /* EINVAL */ : errno, Native.LibbpfLog.TakeRecentWarnings());
}
