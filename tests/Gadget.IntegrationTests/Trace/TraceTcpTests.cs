using System.Globalization;
using System.Text.Json;
using Gadget.Gadgets.Trace.Tcp;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Trace;

/// <summary>trace tcp against the real kernel: a listener and clients (the sockets helper) on
/// loopback, on the host and in a network namespace of the test's own.</summary>
public sealed class TraceTcpTests : OwningTest
{

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static bool Is(JsonElement e, string operation, int pid) =>
        e.IsEvent() && e.Str("operation") == operation && e.Num("pid") == pid;

    private static void AssertEndpoint(JsonElement endpoint, string address, int version, int port)
    {
        Assert.Equal(address, endpoint.Str("addr"));
        Assert.Equal(version, endpoint.Num("version"));
        Assert.Equal(port, endpoint.Num("port"));
        Assert.Equal(6, endpoint.Num("proto"));
    }

    private static void AssertProcess(JsonElement e, SocketsProcess process)
    {
        Assert.Equal(process.Pid, e.Num("pid"));
        Assert.Equal(process.Pid, e.Num("tid"));
        Assert.Equal("sockets", e.Str("comm"));
        Assert.Equal(0, e.Num("uid"));
        Assert.Equal(0, e.Num("gid"));
        Assert.Equal(process.MountNamespace, (ulong)e.Num("mountnsid"));
        Assert.Equal(process.NetworkNamespace, (ulong)e.Num("netnsid"));
    }

    private static void AssertProcess(JsonElement e, SocketsRun run)
    {
        Assert.Equal(run.Pid, e.Num("pid"));
        Assert.Equal("sockets", e.Str("comm"));
        Assert.Equal(run.MountNamespace, (ulong)e.Num("mountnsid"));
        Assert.Equal(run.NetworkNamespace, (ulong)e.Num("netnsid"));
    }

    [Theory]
    [InlineData("4", "127.0.0.1")]
    [InlineData("6", "::1")]
    public void Reports_connect_accept_and_close_of_both_ends(string version, string address)
    {
        Requires.Root();
        var ip = int.Parse(version, CultureInfo.InvariantCulture);
        using var session = RunningGadget.Start(new TcpGadget());
        using var listener = SocketsProcess.Start(Site.Host, "listen", version, address, "0");
        var serverPort = listener.Next("listening").Int("port");

        var client = SocketsProcess.Run(Site.Host, "connect", version, address, Text(serverPort));
        var clientPort = client.Single("connect").Int("port");
        Assert.Equal(clientPort, listener.Next("accepted").Int("port"));
        listener.WaitForExit();

        var connect = session.WaitFor(e => Is(e, "connect", client.Pid), "for the connect");
        AssertProcess(connect, client);
        Assert.Equal(ip, connect.Num("ipversion"));
        AssertEndpoint(connect.GetProperty("src"), address, ip, clientPort);
        AssertEndpoint(connect.GetProperty("dst"), address, ip, serverPort);
        Assert.False(connect.TryGetProperty("error", out _));

        var accept = session.WaitFor(e => Is(e, "accept", listener.Pid), "for the accept");
        AssertProcess(accept, listener);
        Assert.Equal(ip, accept.Num("ipversion"));
        AssertEndpoint(accept.GetProperty("src"), address, ip, serverPort);
        AssertEndpoint(accept.GetProperty("dst"), address, ip, clientPort);

        var clientClose = session.WaitFor(e => Is(e, "close", client.Pid), "for the client's close");
        AssertProcess(clientClose, client);
        AssertEndpoint(clientClose.GetProperty("src"), address, ip, clientPort);
        AssertEndpoint(clientClose.GetProperty("dst"), address, ip, serverPort);
        var serverClose = session.WaitFor(e => Is(e, "close", listener.Pid) && e.GetProperty("src").Num("port") == serverPort, "for the server's close");
        AssertProcess(serverClose, listener);
        AssertEndpoint(serverClose.GetProperty("dst"), address, ip, clientPort);

        // One event each: a close is not repeated by the state changes that follow it.
        session.Stop();
        Assert.Single(session.Records, e => Is(e, "close", client.Pid));
        Assert.Single(session.Records, e => Is(e, "close", listener.Pid));
        Assert.True(connect.Num("timestamp") <= clientClose.Num("timestamp"));
    }

    [Fact]
    public void A_refused_connect_is_a_connect_with_its_error()
    {
        Requires.Root();
        var closedPort = TraceBindTests.FreePort();
        using var session = RunningGadget.Start(new TcpGadget());

        var client = SocketsProcess.Run(Site.Host, "connect", "4", "127.0.0.1", Text(closedPort));

        Assert.Equal(111, client.Single("connect").Int("errno"));
        var e = session.WaitFor(e => Is(e, "connect", client.Pid), "for the refused connect");
        Assert.Equal("ECONNREFUSED", e.Str("error"));
        AssertProcess(e, client);
        AssertEndpoint(e.GetProperty("dst"), "127.0.0.1", 4, closedPort);
        Assert.NotEqual(0, e.GetProperty("src").Num("port"));
        session.Stop();
        Assert.DoesNotContain(session.Records, e => Is(e, "close", client.Pid)); // never established
    }

    [Fact]
    public void Failure_only_shows_failed_connects_alone()
    {
        Requires.Root();
        var closedPort = TraceBindTests.FreePort();
        using var session = RunningGadget.Start(new TcpGadget(), ("failure-only", "true"));
        using var listener = SocketsProcess.Start(Site.Host, "listen", "6", "::1", "0");
        var serverPort = listener.Next("listening").Int("port");

        var ok = SocketsProcess.Run(Site.Host, "connect", "6", "::1", Text(serverPort));
        listener.WaitForExit();
        var refused = SocketsProcess.Run(Site.Host, "connect", "6", "::1", Text(closedPort));

        var e = session.WaitFor(e => Is(e, "connect", refused.Pid), "for the refused connect");
        Assert.Equal("ECONNREFUSED", e.Str("error"));
        AssertEndpoint(e.GetProperty("dst"), "::1", 6, closedPort);
        session.Stop();
        Assert.DoesNotContain(session.Records, e => e.IsEvent() && (e.Num("pid") == ok.Pid || e.Num("pid") == listener.Pid));
        Assert.All(session.Records.Where(r => r.IsEvent()), r => Assert.NotNull(r.Str("error")));
    }

    [Theory]
    [InlineData("accept-only", "accept")]
    [InlineData("connect-only", "connect")]
    public void Only_flags_keep_one_kind_of_event(string flag, string kept)
    {
        Requires.Root();
        using var session = RunningGadget.Start(new TcpGadget(), (flag, "true"));
        using var listener = SocketsProcess.Start(Site.Host, "listen", "4", "127.0.0.1", "0");
        var serverPort = listener.Next("listening").Int("port");

        var client = SocketsProcess.Run(Site.Host, "connect", "4", "127.0.0.1", Text(serverPort));
        listener.WaitForExit();

        var pid = kept == "accept" ? listener.Pid : client.Pid;
        session.WaitFor(e => Is(e, kept, pid), $"for the {kept}");
        session.Stop();
        var ours = session.Records.Where(e => e.IsEvent() && (e.Num("pid") == listener.Pid || e.Num("pid") == client.Pid)).ToList();
        Assert.Single(ours);
        Assert.All(session.Records.Where(r => r.IsEvent()), r => Assert.Equal(kept, r.Str("operation")));
    }

    [Fact]
    public void Flags_that_exclude_each_other_are_refused()
    {
        Requires.Root();
        var e = Assert.Throws<InvalidOperationException>(() =>
            RunningGadget.Start(new TcpGadget(), ("accept-only", "true"), ("connect-only", "true")).Dispose());
        Assert.Contains("--accept-only and --connect-only", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shutdown_then_close_is_one_close_at_close_time()
    {
        Requires.Root();
        using var session = RunningGadget.Start(new TcpGadget());
        using var listener = SocketsProcess.Start(Site.Host, "listen", "4", "127.0.0.1", "0");
        var serverPort = listener.Next("listening").Int("port");

        var client = SocketsProcess.Run(Site.Host, "connect", "4", "127.0.0.1", Text(serverPort), "shutdown");
        listener.WaitForExit();

        session.WaitFor(e => Is(e, "close", client.Pid), "for the close");
        session.Stop();
        Assert.Single(session.Records, e => Is(e, "close", client.Pid));
    }

    [Fact]
    public void Closing_a_connection_the_peer_reset_is_a_close()
    {
        Requires.Root();
        using var session = RunningGadget.Start(new TcpGadget());
        using var listener = SocketsProcess.Start(Site.Host, "listen", "6", "::1", "0", "reset");
        var serverPort = listener.Next("listening").Int("port");

        // The RST arrives while the client still holds the socket: its close() finds it in CLOSE.
        var client = SocketsProcess.Run(Site.Host, "connect", "6", "::1", Text(serverPort), "hold=300");
        listener.WaitForExit();

        var close = session.WaitFor(e => Is(e, "close", client.Pid), "for the client's close");
        AssertProcess(close, client);
        AssertEndpoint(close.GetProperty("src"), "::1", 6, client.Single("connect").Int("port"));
        AssertEndpoint(close.GetProperty("dst"), "::1", 6, serverPort);
        session.WaitFor(e => Is(e, "close", listener.Pid), "for the server's abort");
        session.Stop();
        Assert.Single(session.Records, e => Is(e, "close", client.Pid));
        Assert.Single(session.Records, e => Is(e, "close", listener.Pid));
    }

    [Fact]
    public void A_killed_process_closes_its_connections_in_its_own_namespaces()
    {
        Requires.Root();
        using var netns = NetworkNamespace.Create("igtt");
        var ns = new NetnsSite(netns);
        using var session = RunningGadget.Start(new TcpGadget());
        using var listener = SocketsProcess.Start(ns, "listen", "4", "127.0.0.1", "0");
        var serverPort = listener.Next("listening").Int("port");

        // Killed while connected: the kernel closes the socket after the process left its
        // namespaces, yet the close must still name the process's mount namespace.
        using var client = SocketsProcess.Start(ns, "connect", "4", "127.0.0.1", Text(serverPort), "die");
        var clientPort = client.Next("connect").Int("port");
        client.WaitForExit();
        listener.WaitForExit();

        Assert.Equal(ns.Id, client.NetworkNamespace);
        Assert.NotEqual(TraceExecTests.OwnMountNamespace(), client.MountNamespace);
        var close = session.WaitFor(e => Is(e, "close", client.Pid), "for the close at exit");
        AssertProcess(close, client);
        AssertEndpoint(close.GetProperty("src"), "127.0.0.1", 4, clientPort);
        var accept = session.WaitFor(e => Is(e, "accept", listener.Pid), "for the accept in the namespace");
        AssertProcess(accept, listener);
    }
}
