using System.Globalization;
using System.Text.Json;
using Gadget.Gadgets.Trace.Tcpconnect;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Trace;

/// <summary>trace tcpconnect against the real kernel: clients of the sockets helper connecting
/// to listeners on loopback, on the host and in a network namespace of the test's own.</summary>
public sealed class TraceTcpconnectTests : OwningTest
{

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static bool Of(JsonElement e, SocketsRun run) => e.IsEvent() && e.Num("pid") == run.Pid;

    private static void AssertEndpoint(JsonElement endpoint, string address, int version, int port)
    {
        Assert.Equal(address, endpoint.Str("addr"));
        Assert.Equal(version, endpoint.Num("version"));
        Assert.Equal(port, endpoint.Num("port"));
        Assert.Equal(6, endpoint.Num("proto"));
    }

    [Theory]
    [InlineData("4", "127.0.0.1", "block")]
    [InlineData("4", "127.0.0.1", "nonblock")]
    [InlineData("6", "::1", "block")]
    [InlineData("6", "::1", "nonblock")]
    public void Reports_each_connect_once_with_every_field(string version, string address, string mode)
    {
        Requires.Root();
        var ip = int.Parse(version, CultureInfo.InvariantCulture);
        using var session = RunningGadget.Start(new TcpconnectGadget());
        using var listener = SocketsProcess.Start(Site.Host, "listen", version, address, "0");
        var serverPort = listener.Next("listening").Int("port");

        var client = SocketsProcess.Run(Site.Host, "connect", version, address, Text(serverPort), mode);
        listener.WaitForExit();

        var connect = client.Single("connect");
        Assert.Equal(0, connect.Int("errno"));
        var e = session.WaitFor(e => Of(e, client), "for the connect");
        Assert.Equal(client.Pid, e.Num("tid"));
        Assert.Equal("sockets", e.Str("comm"));
        Assert.Equal(ip, e.Num("ipversion"));
        AssertEndpoint(e.GetProperty("src"), address, ip, connect.Int("port"));
        AssertEndpoint(e.GetProperty("dst"), address, ip, serverPort);
        // Root's ids are there as 0, not left out (Num would read a missing field as 0).
        Assert.Equal(0, e.GetProperty("uid").GetInt64());
        Assert.Equal(0, e.GetProperty("gid").GetInt64());
        Assert.Equal(client.MountNamespace, (ulong)e.Num("mountnsid"));
        Assert.Equal(client.NetworkNamespace, (ulong)e.Num("netnsid"));
        Assert.False(e.TryGetProperty("latency", out _), "no latency without --latency");
        session.Stop();
        Assert.Single(session.Records, r => Of(r, client));
        Assert.DoesNotContain(session.Records, r => r.IsEvent() && r.Num("pid") == listener.Pid); // accepting is not connecting
    }

    [Fact]
    public void A_refused_connect_sent_its_syn_and_is_reported()
    {
        Requires.Root();
        var closedPort = TraceBindTests.FreePort(System.Net.Sockets.AddressFamily.InterNetworkV6);
        using var session = RunningGadget.Start(new TcpconnectGadget());

        var client = SocketsProcess.Run(Site.Host, "connect", "6", "::1", Text(closedPort));

        Assert.Equal(111, client.Single("connect").Int("errno"));
        var e = session.WaitFor(e => Of(e, client), "for the refused connect");
        AssertEndpoint(e.GetProperty("dst"), "::1", 6, closedPort);
        Assert.NotEqual(0, e.GetProperty("src").Num("port"));
    }

    [Fact]
    public void Latency_is_the_time_to_the_answer_even_a_refusal()
    {
        Requires.Root();
        var closedPort = TraceBindTests.FreePort();
        using var session = RunningGadget.Start(new TcpconnectGadget(), ("latency", "true"));
        using var listener = SocketsProcess.Start(Site.Host, "listen", "4", "127.0.0.1", "0");
        var serverPort = listener.Next("listening").Int("port");

        var accepted = SocketsProcess.Run(Site.Host, "connect", "4", "127.0.0.1", Text(serverPort), "nonblock");
        listener.WaitForExit();
        var refused = SocketsProcess.Run(Site.Host, "connect", "4", "127.0.0.1", Text(closedPort));

        var ok = session.WaitFor(e => Of(e, accepted), "for the accepted connect");
        AssertEndpoint(ok.GetProperty("src"), "127.0.0.1", 4, accepted.Single("connect").Int("port"));
        Assert.InRange(ok.Num("latency"), 1, 1_000_000_000); // loopback: well under a second
        var rst = session.WaitFor(e => Of(e, refused), "for the refused connect");
        AssertEndpoint(rst.GetProperty("dst"), "127.0.0.1", 4, closedPort);
        Assert.InRange(rst.Num("latency"), 1, 1_000_000_000);
        session.Stop();
        Assert.Single(session.Records, r => Of(r, accepted));
    }

    [Fact]
    public void Min_keeps_only_connects_slower_than_it()
    {
        Requires.Root();
        using var session = RunningGadget.Start(new TcpconnectGadget(), ("min", "400ms"));
        // Backlog 0: one connection waits in the accept queue, the next SYN is dropped and
        // retransmitted a second later, once the listener made room.
        using var listener = SocketsProcess.Start(Site.Host, "listen", "4", "127.0.0.1", "0", "backlog=0", "accept=2", "delay=300", "wait");
        var serverPort = listener.Next("listening").Int("port");

        var fast = SocketsProcess.Run(Site.Host, "connect", "4", "127.0.0.1", Text(serverPort));
        listener.WriteLine("accept now");
        var slow = SocketsProcess.Run(Site.Host, "connect", "4", "127.0.0.1", Text(serverPort));
        listener.WaitForExit();

        Assert.Equal(0, slow.Single("connect").Int("errno"));
        var e = session.WaitFor(e => Of(e, slow), "for the slow connect");
        Assert.InRange(e.Num("latency"), 400_000_000, 10_000_000_000);
        AssertEndpoint(e.GetProperty("src"), "127.0.0.1", 4, slow.Single("connect").Int("port"));
        session.Stop();
        Assert.DoesNotContain(session.Records, r => Of(r, fast));
    }

    [Fact]
    public void A_non_blocking_connect_is_reported_when_it_returns_not_when_answered()
    {
        Requires.Root();
        using var session = RunningGadget.Start(new TcpconnectGadget());
        using var listener = SocketsProcess.Start(Site.Host, "listen", "4", "127.0.0.1", "0", "backlog=0", "accept=2", "delay=300", "wait");
        var serverPort = listener.Next("listening").Int("port");

        SocketsProcess.Run(Site.Host, "connect", "4", "127.0.0.1", Text(serverPort));
        listener.WriteLine("accept now");
        var before = DateTimeOffset.UtcNow;
        // Its SYN is dropped (full queue): connect() returns EINPROGRESS, the answer comes ~1 s later.
        var pending = SocketsProcess.Run(Site.Host, "connect", "4", "127.0.0.1", Text(serverPort), "nonblock");
        var took = DateTimeOffset.UtcNow - before;
        listener.WaitForExit();

        Assert.Equal(0, pending.Single("connect").Int("errno"));
        Assert.True(took > TimeSpan.FromMilliseconds(700), $"the handshake should wait for a retransmit, took {took}");
        var e = session.WaitFor(e => Of(e, pending), "for the pending connect");
        AssertEndpoint(e.GetProperty("src"), "127.0.0.1", 4, pending.Single("connect").Int("port"));
        AssertEndpoint(e.GetProperty("dst"), "127.0.0.1", 4, serverPort);
        var sentAfter = DateTimeOffset.FromUnixTimeMilliseconds(e.Num("timestamp") / 1_000_000) - before;
        Assert.True(sentAfter < TimeSpan.FromMilliseconds(500), $"reported {sentAfter} after the start: at the answer, not at connect()");
        session.Stop();
        Assert.Single(session.Records, r => Of(r, pending));
    }

    [Fact]
    public void Connects_in_a_network_namespace_carry_its_id()
    {
        Requires.Root();
        using var netns = NetworkNamespace.Create("igtc");
        var ns = new NetnsSite(netns);
        using var session = RunningGadget.Start(new TcpconnectGadget());
        using var listener = SocketsProcess.Start(ns, "listen", "6", "::1", "0");
        var serverPort = listener.Next("listening").Int("port");

        var client = SocketsProcess.Run(ns, "connect", "6", "::1", Text(serverPort));
        listener.WaitForExit();

        var e = session.WaitFor(e => Of(e, client), "for the connect in the namespace");
        Assert.Equal(ns.Id, (ulong)e.Num("netnsid"));
        Assert.Equal(client.MountNamespace, (ulong)e.Num("mountnsid"));
        Assert.NotEqual(TraceExecTests.OwnMountNamespace(), client.MountNamespace);
        AssertEndpoint(e.GetProperty("src"), "::1", 6, client.Single("connect").Int("port"));
    }
}
