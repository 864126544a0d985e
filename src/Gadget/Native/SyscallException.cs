using System.Runtime.InteropServices;

namespace Gadget.Native;

/// <summary>A plain system call (not libbpf) failed: what it was for and the errno it set.
/// Kept apart from <see cref="LibbpfException"/>, which carries libbpf's own log.</summary>
public sealed class SyscallException : Exception
{
    public SyscallException(string operation, int errno)
        : base($"{operation}: {LibbpfException.Describe(errno)}")
    {
        Operation = operation;
        Errno = errno;
    }

    /// <summary>What was being done, e.g. "opening cgroup /sys/fs/cgroup".</summary>
    public string Operation { get; }

    /// <summary>The positive errno the call set.</summary>
    public int Errno { get; }

    /// <summary>Throws for the errno the last P/Invoke set.</summary>
    internal static SyscallException FromLastError(string operation) => new(operation, Marshal.GetLastPInvokeError());
}
