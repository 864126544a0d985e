using System.Globalization;

namespace Gadget.Containers.Procfs;

/// <summary>Namespace ids of processes, read from the /proc/&lt;pid&gt;/ns links ("mnt:[4026531841]").</summary>
public static class ProcNamespaces
{
    /// <summary>The inode number in a namespace link target such as "mnt:[4026531841]".</summary>
    public static bool TryParseLink(ReadOnlySpan<char> target, out ulong id)
    {
        id = 0;
        var open = target.IndexOf('[');
        if (open < 0 || target.Length < open + 3 || target[^1] != ']')
            return false;
        return ulong.TryParse(target[(open + 1)..^1], NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }

    public static bool TryGetMountNamespace(int pid, out ulong id) => Bpf.ProcFs.TryReadNamespace(pid, "mnt"u8, out id);

    public static bool TryGetNetworkNamespace(int pid, out ulong id) => Bpf.ProcFs.TryReadNamespace(pid, "net"u8, out id);

    /// <summary>The mount namespace of the host: that of pid 1, or, where pid 1's is out of reach
    /// (an init outside our user namespace; so on these machines), ig's own, since ig runs on
    /// the host. Never 0 while /proc is there: a 0 would let a process of the host pass for a
    /// container's.</summary>
    public static ulong HostMountNamespace => _host ??=
        TryGetMountNamespace(1, out var init) ? init
        : TryGetMountNamespace(Environment.ProcessId, out var self) ? self
        : 0;

    private static ulong? _host;
}
