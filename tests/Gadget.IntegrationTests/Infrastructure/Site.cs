using System.Diagnostics;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>Where a test runs its trigger commands: on the host, in a network namespace,
/// (later) in a container. The command is the same; only how it is started changes.</summary>
internal abstract class Site
{
    public static Site Host { get; } = new HostSite();

    public abstract ProcessStartInfo StartInfo(string file, IEnumerable<string> args);

    private sealed class HostSite : Site
    {
        public override ProcessStartInfo StartInfo(string file, IEnumerable<string> args)
        {
            var start = new ProcessStartInfo(file);
            foreach (var arg in args)
                start.ArgumentList.Add(arg);
            return start;
        }
    }
}

/// <summary>A network namespace of the test's own as a site: commands run through ip netns exec,
/// which also gives them a mount namespace of their own.</summary>
internal sealed class NetnsSite(NetworkNamespace ns) : Site
{
    public NetworkNamespace Namespace { get; } = ns;

    /// <summary>The namespace id events carry as netnsid.</summary>
    public ulong Id => Namespace.Inode;

    public override ProcessStartInfo StartInfo(string file, IEnumerable<string> args)
    {
        var command = Namespace.Wrap([file, .. args]);
        var start = new ProcessStartInfo(command[0]);
        foreach (var arg in command[1..])
            start.ArgumentList.Add(arg);
        return start;
    }

    /// <summary>Adds an interface inside the namespace (one end of a veth pair whose other end,
    /// <paramref name="name"/> + "p", stays there too), up, with the addresses given.</summary>
    public void AddInterface(string name, params string[] addresses)
    {
        var ns = Namespace.Name;
        Shell.Run("ip", "-n", ns, "link", "add", name, "type", "veth", "peer", "name", name + "p");
        Shell.Run("ip", "-n", ns, "link", "set", name + "p", "up");
        Shell.Run("ip", "-n", ns, "link", "set", name, "up");
        foreach (var address in addresses)
        {
            // IPv6 addresses skip duplicate detection, so they are usable at once.
            if (address.Contains(':', StringComparison.Ordinal))
                Shell.Run("ip", "-n", ns, "address", "add", address, "dev", name, "nodad");
            else
                Shell.Run("ip", "-n", ns, "address", "add", address, "dev", name);
        }
    }
}
