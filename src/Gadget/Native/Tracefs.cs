using System.Runtime.InteropServices;

namespace Gadget.Native;

/// <summary>Finds tracefs, mounting it when the system did not: attaching a tracepoint needs
/// its event id from there, and some machines boot without it.</summary>
public static class Tracefs
{
    private const string Default = "/sys/kernel/tracing";
    private const string Legacy = "/sys/kernel/debug/tracing";

    /// <summary>The tracefs root, mounting it at /sys/kernel/tracing if no tracefs is mounted.</summary>
    public static string EnsureMounted()
    {
        if (TryFind(out var root))
            return root;
        if (Interop.Libc.mount("tracefs", Default, "tracefs", 0, IntPtr.Zero) != 0)
        {
            throw SyscallException.FromLastError($"tracefs is not mounted and mounting it on {Default} failed");
        }
        return Default;
    }

    /// <summary>Like <see cref="EnsureMounted"/>, but false instead of an exception.</summary>
    public static bool TryGetRoot(out string root)
    {
        try
        {
            root = EnsureMounted();
            return true;
        }
        catch (SyscallException)
        {
            root = "";
            return false;
        }
    }

    private static bool TryFind(out string root)
    {
        foreach (var candidate in (string[])[Default, Legacy])
        {
            if (Directory.Exists(Path.Combine(candidate, "events")))
            {
                root = candidate;
                return true;
            }
        }
        root = "";
        return false;
    }
}
