using System.Globalization;
using System.Net;

namespace Gadget.IntegrationTests.Snapshot;

/// <summary>A socket as the kernel's own listing shows it (/proc/PID/net/tcp, tcp6, udp, udp6):
/// the independent witness the socket snapshot is checked against.</summary>
internal sealed record ProcSocket(string Protocol, IPAddress LocalAddress, int LocalPort, IPAddress RemoteAddress, int RemotePort, int State, ulong Inode)
{
    /// <summary>Every TCP and UDP socket of the network namespace <paramref name="pid"/> is in.</summary>
    public static List<ProcSocket> All(int pid) =>
    [
        .. Read(pid, "tcp", "TCP"), .. Read(pid, "tcp6", "TCP"),
        .. Read(pid, "udp", "UDP"), .. Read(pid, "udp6", "UDP"),
    ];

    /// <summary>The socket inodes of a process's descriptors (/proc/PID/fd links "socket:[N]").</summary>
    public static Dictionary<int, ulong> InodesByFd(int pid)
    {
        var inodes = new Dictionary<int, ulong>();
        foreach (var fd in Directory.GetFiles($"/proc/{pid}/fd"))
        {
            var target = new FileInfo(fd).LinkTarget;
            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
                inodes[int.Parse(Path.GetFileName(fd), CultureInfo.InvariantCulture)] = ulong.Parse(target[8..^1], CultureInfo.InvariantCulture);
        }
        return inodes;
    }

    private static IEnumerable<ProcSocket> Read(int pid, string file, string protocol)
    {
        // "  sl  local_address rem_address   st tx_queue:rx_queue tr:tm->when retrnsmt   uid  timeout inode"
        foreach (var line in File.ReadLines($"/proc/{pid}/net/{file}").Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var (localAddress, localPort) = Endpoint(f[1]);
            var (remoteAddress, remotePort) = Endpoint(f[2]);
            yield return new ProcSocket(protocol, localAddress, localPort, remoteAddress, remotePort,
                int.Parse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture), ulong.Parse(f[9], CultureInfo.InvariantCulture));
        }
    }

    /// <summary>"0100007F:1F90": the address as the kernel's 32-bit words in host (little-endian)
    /// order, the port in hex.</summary>
    private static (IPAddress, int) Endpoint(string text)
    {
        var colon = text.IndexOf(':');
        var hex = text[..colon];
        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < bytes.Length / 4; word++)
        {
            for (var i = 0; i < 4; i++)
                bytes[word * 4 + i] = byte.Parse(hex.AsSpan(word * 8 + (3 - i) * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
        return (new IPAddress(bytes), int.Parse(text[(colon + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }
}
