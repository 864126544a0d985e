using System.Globalization;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>A network namespace made for one test (`ip netns add`, loopback up), named uniquely
/// so concurrent runs on the machine never meet; disposing deletes it, with its interfaces. Or
/// the namespace of a container the test started (<see cref="OfProcess"/>), entered with nsenter.
/// Tests send traffic only to loopback or to addresses of namespaces like these.</summary>
internal sealed class NetworkNamespace : IDisposable
{
    private readonly string[] _enter;
    private readonly bool _owned;

    private NetworkNamespace(string name, string[] enter, bool owned)
    {
        Name = name;
        _enter = enter;
        _owned = owned;
        Inode = ulong.Parse(
            Shell.Run(enter[0], [.. enter[1..], "stat", "-L", "-c", "%i", "/proc/self/ns/net"]).Trim(),
            CultureInfo.InvariantCulture);
    }

    public string Name { get; }

    /// <summary>The namespace id the kernel reports (the inode of its nsfs file).</summary>
    public ulong Inode { get; }

    /// <summary>The network namespace of this test process (the host's).</summary>
    public static ulong HostInode { get; } =
        ulong.Parse(Shell.Run("stat", "-L", "-c", "%i", "/proc/self/ns/net").Trim(), CultureInfo.InvariantCulture);

    public static NetworkNamespace Create(string prefix)
    {
        var name = Paths.UniqueName(prefix);
        Shell.Run("ip", "netns", "add", name);
        try
        {
            Shell.Run("ip", "-n", name, "link", "set", "lo", "up");
            return new NetworkNamespace(name, ["ip", "netns", "exec", name], owned: true);
        }
        catch
        {
            Shell.TryRun("ip", null, TimeSpan.FromSeconds(10), "netns", "del", name);
            throw;
        }
    }

    /// <summary>The network namespace of a running process (a container's), not deleted on dispose.</summary>
    public static NetworkNamespace OfProcess(int pid) =>
        new($"pid {pid}", ["nsenter", "-t", pid.ToString(CultureInfo.InvariantCulture), "-n"], owned: false);

    /// <summary>Connects two namespaces with a veth pair and gives each end an address of a /24
    /// that exists only between them.</summary>
    public static void Connect(NetworkNamespace a, string addressA, NetworkNamespace b, string addressB)
    {
        var ifA = "v" + a.Name[^10..];
        var ifB = "v" + b.Name[^10..];
        Shell.Run("ip", "-n", a.Name, "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", b.Name);
        Shell.Run("ip", "-n", a.Name, "addr", "add", addressA + "/24", "dev", ifA);
        Shell.Run("ip", "-n", b.Name, "addr", "add", addressB + "/24", "dev", ifB);
        Shell.Run("ip", "-n", a.Name, "link", "set", ifA, "up");
        Shell.Run("ip", "-n", b.Name, "link", "set", ifB, "up");
    }

    /// <summary>The command line (file first) that runs <paramref name="command"/> in this namespace.</summary>
    public string[] Wrap(params string[] command) => [.. _enter, .. command];

    public void Dispose()
    {
        if (_owned)
            Shell.TryRun("ip", null, TimeSpan.FromSeconds(30), "netns", "del", Name);
    }
}
