using System.Globalization;
using System.Text.Json;
using Gadget.Gadgets.Trace.Sni;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Trace;

/// <summary>trace sni against the real kernel: openssl s_client says hello to openssl s_server on
/// loopback, on the host or in a network namespace made for the test.</summary>
public sealed class TraceSniTests : IDisposable
{
    private readonly Stack<IDisposable> _cleanup = new();
    private readonly string _dir = Paths.NewTempDirectory();

    public TraceSniTests()
    {
        Shell.Run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=igtest",
            "-keyout", Path.Combine(_dir, "key.pem"), "-out", Path.Combine(_dir, "cert.pem"));
    }

    public void Dispose()
    {
        while (_cleanup.TryPop(out var item))
            item.Dispose();
        Directory.Delete(_dir, recursive: true);
        KernelObjects.AssertNoneLoaded();
    }

    private T Own<T>(T item) where T : IDisposable
    {
        _cleanup.Push(item);
        return item;
    }

    /// <summary>openssl s_server on 127.0.0.1 of the namespace (a random port that is free).</summary>
    private (ProcessIdentity Server, int Port) StartServer(NetworkNamespace? ns)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = Random.Shared.Next(20000, 60000);
            var (process, identity) = TracedProcess.Start(ns, "openssl", "s_server", "-accept", $"127.0.0.1:{port}",
                "-cert", Path.Combine(_dir, "cert.pem"), "-key", Path.Combine(_dir, "key.pem"));
            try
            {
                process.WaitForLine(l => l.Contains("ACCEPT", StringComparison.Ordinal), "ACCEPT", TimeSpan.FromSeconds(10));
                Own(process);
                return (identity, port);
            }
            catch (TimeoutException) when (attempt < 5)
            {
                process.Dispose();
            }
        }
    }

    private static ProcessIdentity Hello(NetworkNamespace? ns, int port, string? serverName)
    {
        string[] nameArgs = serverName is null ? ["-noservername"] : ["-servername", serverName];
        var (client, _) = TracedProcess.RunWithInput(ns, "",
            ["openssl", "s_client", "-connect", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", .. nameArgs]);
        return client;
    }

    private static string UniqueName() => $"{Guid.NewGuid():N}"[..12] + ".sni.igtest";

    private static bool IsHello(JsonElement e, string name, int pid) => e.IsEvent() && e.Str("name") == name && e.Num("pid") == pid;

    [Fact]
    public void A_client_hello_on_host_loopback_is_reported_for_client_and_server()
    {
        Requires.Root();
        var (server, port) = StartServer(null);
        var session = Own(GadgetSession.Start(new SniGadget()));
        var name = UniqueName();

        var client = Hello(null, port, name);

        var sent = session.WaitFor(e => IsHello(e, name, client.Pid), "for the client's hello");
        Assert.Equal("openssl", sent.Str("comm"));
        Assert.Equal((long)client.MountNamespace, sent.Num("mountnsid"));
        Assert.Equal((long)NetworkNamespace.HostInode, sent.Num("netnsid"));
        Assert.Equal(client.Pid, sent.Num("tid"));
        // The server's accepted socket inherits the listener's owner.
        var received = session.WaitFor(e => IsHello(e, name, server.Pid), "for the hello the server received");
        Assert.Equal((long)server.MountNamespace, received.Num("mountnsid"));
    }

    [Fact]
    public void A_client_hello_in_a_network_namespace_carries_that_namespace()
    {
        Requires.Root();
        var ns = Own(NetworkNamespace.Create("igtn"));
        var (_, port) = StartServer(ns);
        var session = Own(GadgetSession.Start(new SniGadget()));
        var name = UniqueName();

        var client = Hello(ns, port, name);

        var sent = session.WaitFor(e => IsHello(e, name, client.Pid), "for the client's hello");
        Assert.Equal((long)ns.Inode, sent.Num("netnsid"));
        Assert.Equal((long)client.MountNamespace, sent.Num("mountnsid"));
    }

    [Fact]
    public void A_hello_without_a_server_name_is_not_reported()
    {
        Requires.Root();
        var (_, port) = StartServer(null);
        var session = Own(GadgetSession.Start(new SniGadget()));
        var name = UniqueName();

        var anonymous = Hello(null, port, null);
        var named = Hello(null, port, name);

        session.WaitFor(e => IsHello(e, name, named.Pid), "for the named hello");
        session.Settle();
        Assert.DoesNotContain(session.Records, e => e.Num("pid") == anonymous.Pid);
    }

    [Fact]
    public void The_binary_prints_the_reference_columns()
    {
        Requires.Root();
        var (_, port) = StartServer(null);
        using var ig = IgProcess.Start("trace", "sni", "--host");
        ig.WaitForLine(l => l.Contains("NAME", StringComparison.Ordinal), "with the header");
        var name = UniqueName();

        var client = Hello(null, port, name);

        var header = ig.Lines.First();
        // The placement columns come first: CONTAINER, or NAMESPACE POD CONTAINER when pods run here.
        var columns = header.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["PID", "TID", "COMM", "NAME"], columns[^4..]);
        Assert.Equal("CONTAINER", columns[^5]);
        var line = ig.WaitForLine(l => l.EndsWith(name, StringComparison.Ordinal) && l.TrimStart().StartsWith(client.Pid + " ", StringComparison.Ordinal), "for the hello");
        Assert.Contains(" openssl ", line);
        ig.Signal("INT");
        Assert.Equal(0, ig.WaitForExit());
    }
}
