using System.Buffers.Text;

namespace Gadget.Containers.Procfs;

/// <summary>Namespace ids of processes, read from the /proc/&lt;pid&gt;/ns links ("mnt:[4026531841]").</summary>
public static class ProcNamespaces
{
    /// <summary>The inode number in a namespace link target such as "mnt:[4026531841]".</summary>
    public static bool TryParseLink(ReadOnlySpan<byte> target, out ulong id)
    {
        id = 0;
        var open = target.IndexOf((byte)'[');
        if (open < 0 || target.Length < open + 3 || target[^1] != (byte)']')
            return false;
        return Utf8Parser.TryParse(target[(open + 1)..^1], out id, out var used) && used == target.Length - open - 2;
    }

    public static bool TryGetMountNamespace(int pid, out ulong id) => TryGet(pid, "mnt"u8, out id);

    public static bool TryGetNetworkNamespace(int pid, out ulong id) => TryGet(pid, "net"u8, out id);

    /// <summary>True when the process lives in the host's user namespace (that of pid 1, else
    /// ig's), the only one in which a mount namespace is made with root's privileges: an
    /// unprivileged user can make mount namespaces only inside a user namespace of its own.</summary>
    public static bool IsInHostUserNamespace(int pid) =>
        TryGet(pid, "user"u8, out var id) && id == (_hostUser ??=
            TryGet(1, "user"u8, out var init) ? init : TryGet(Environment.ProcessId, "user"u8, out var self) ? self : 0);

    private static ulong? _hostUser;

    /// <summary>Allocates nothing: the container sweep asks this of every process, every few seconds.</summary>
    private static bool TryGet(int pid, ReadOnlySpan<byte> kind, out ulong id)
    {
        Span<byte> target = stackalloc byte[64];
        id = 0;
        return Native.ProcFs.TryReadNamespaceLink(pid, kind, target, out var length) && TryParseLink(target[..length], out id);
    }

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
