using System.Globalization;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>dnsmasq serving a small zone on one address and port, on the host or in a test's
/// network namespace; disposing stops it. Names:
/// a.igtest (A 10.9.8.7, AAAA fd00::7), multi.igtest (ten A records 10.0.0.1-10), nx.igtest (NXDOMAIN).</summary>
internal sealed class DnsServer : IDisposable
{
    public const string Name = "a.igtest";
    public const string Address = "10.9.8.7";
    public const string Address6 = "fd00::7";
    public const string MultiName = "multi.igtest";
    public const int MultiCount = 10;
    public const string MissingName = "nx.igtest";

    private readonly BackgroundProcess _process;

    private DnsServer(BackgroundProcess process, ProcessIdentity identity, string listenAddress, int port)
    {
        _process = process;
        Identity = identity;
        ListenAddress = listenAddress;
        Port = port;
    }

    public ProcessIdentity Identity { get; }

    public string ListenAddress { get; }

    public int Port { get; }

    public static DnsServer Start(NetworkNamespace? ns, string listenAddress, int port)
    {
        List<string> command =
        [
            "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--pid-file=",
            "--bind-interfaces", "--listen-address=" + listenAddress, "--port=" + port.ToString(CultureInfo.InvariantCulture),
            "--log-facility=-", "--cache-size=0",
            $"--address=/{Name}/{Address}", $"--address=/{Name}/{Address6}", $"--address=/{MissingName}/",
        ];
        for (var i = 1; i <= MultiCount; i++)
            command.Add($"--host-record={MultiName},10.0.0.{i}");
        var (process, identity) = TracedProcess.Start(ns, [.. command]);
        try
        {
            // dnsmasq logs "started" once its sockets are bound.
            process.WaitForLine(l => l.Contains("started, version", StringComparison.Ordinal), "saying it started");
            return new DnsServer(process, identity, listenAddress, port);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>A server on the host's loopback, on a random high port (other runs on this machine
    /// may use any one: a port that is taken is replaced by another).</summary>
    public static DnsServer StartOnHostLoopback()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return Start(null, "127.0.0.1", Random.Shared.Next(20000, 60000));
            }
            catch (TimeoutException) when (attempt < 5)
            {
            }
        }
    }

    public void Dispose() => _process.Dispose();
}
