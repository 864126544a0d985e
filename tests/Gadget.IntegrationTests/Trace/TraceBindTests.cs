using System.Globalization;
using System.Text.Json;
using Gadget.Gadgets.Trace.Bind;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Trace;

/// <summary>trace bind against the real kernel: binds of the sockets helper, on the host and in
/// a network namespace of the test's own.</summary>
public sealed class TraceBindTests : OwningTest
{

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A port nobody listens on right now (the kernel's pick for a throwaway socket).</summary>
    internal static int FreePort(System.Net.Sockets.AddressFamily family = System.Net.Sockets.AddressFamily.InterNetwork)
    {
        using var socket = new System.Net.Sockets.Socket(family, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        socket.Bind(new System.Net.IPEndPoint(family == System.Net.Sockets.AddressFamily.InterNetwork ? System.Net.IPAddress.Loopback : System.Net.IPAddress.IPv6Loopback, 0));
        return ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static JsonElement EventOf(RunningGadget session, SocketsRun run, int port) =>
        session.WaitFor(e => e.IsEvent() && e.Num("pid") == run.Pid && e.Num("port") == port, $"for the bind of pid {run.Pid} to port {port}");

    [Theory]
    [InlineData("tcp", "4", "127.0.0.1", "TCP")]
    [InlineData("udp", "4", "127.0.0.1", "UDP")]
    [InlineData("tcp", "6", "::1", "TCP")]
    [InlineData("udp", "6", "::1", "UDP")]
    public void Reports_binds_of_each_protocol_and_family_with_every_field(string protocol, string version, string address, string protoName)
    {
        Requires.Root();
        using var session = RunningGadget.Start(new BindGadget());

        var run = SocketsProcess.Run(Site.Host, "bind", protocol, version, address, "0", "reuseaddr");

        var port = run.Single("bind").Int("port");
        Assert.NotEqual(0, port);
        var e = EventOf(session, run, port);
        Assert.Equal(run.Pid, e.Num("pid"));
        Assert.Equal(run.Pid, e.Num("tid"));
        Assert.Equal("sockets", e.Str("comm"));
        Assert.Equal(protoName, e.Str("proto"));
        Assert.Equal(address, e.Str("addr"));
        Assert.Equal(".R...", e.Str("opts"));
        Assert.Equal("0", e.Str("if"));
        Assert.Equal(0, e.Num("uid"));
        Assert.Equal(0, e.Num("gid"));
        Assert.False(e.TryGetProperty("error", out _));
        Assert.Equal(run.MountNamespace, (ulong)e.Num("mountnsid"));
        Assert.Equal(run.NetworkNamespace, (ulong)e.Num("netnsid"));
        var age = DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeMilliseconds(e.Num("timestamp") / 1_000_000);
        Assert.InRange(age.TotalSeconds, -1, 10);
    }

    [Fact]
    public void Socket_options_show_as_the_reference_letters()
    {
        Requires.Root();
        using var session = RunningGadget.Start(new BindGadget());

        // IP_FREEBIND lets the socket take an address no interface has (TEST-NET-1: nothing is sent).
        var run = SocketsProcess.Run(Site.Host, "bind", "udp", "4", "192.0.2.77", "0", "reuseport", "freebind", "transparent", "noport");

        var e = session.WaitFor(e => e.IsEvent() && e.Num("pid") == run.Pid, "for the bind with options");
        Assert.Equal("r.NTF", e.Str("opts"));
        Assert.Equal("192.0.2.77", e.Str("addr"));
        Assert.Equal(0, e.Num("port")); // IP_BIND_ADDRESS_NO_PORT: the port waits for connect()
    }

    [Fact]
    public void Failed_binds_show_their_error_with_ignore_errors_off()
    {
        Requires.Root();
        var port = FreePort(System.Net.Sockets.AddressFamily.InterNetworkV6);
        using var session = RunningGadget.Start(new BindGadget(), ("ignore-errors", "false"));

        var inUse = SocketsProcess.Run(Site.Host, "bind", "tcp", "6", "::1", Text(port), "twice");
        // Ports below 1024 need CAP_NET_BIND_SERVICE, which uid 65534 does not have.
        var denied = SocketsProcess.Run(Site.Host, "bind", "tcp", "4", "127.0.0.1", "81", "uid=65534");

        Assert.Equal([0, 98], inUse.Lines.Where(l => l.Verb == "bind").Select(l => l.Int("errno")));
        var binds = session.WaitForAll(e => e.IsEvent() && e.Num("pid") == inUse.Pid, 2, "for both binds");
        Assert.False(binds[0].TryGetProperty("error", out _));
        Assert.Equal("EADDRINUSE", binds[1].Str("error"));
        Assert.Equal("::1", binds[1].Str("addr"));
        Assert.Equal(port, binds[1].Num("port"));
        Assert.Equal("TCP", binds[1].Str("proto"));

        Assert.Equal(13, denied.Single("bind").Int("errno"));
        var eacces = session.WaitFor(e => e.IsEvent() && e.Num("pid") == denied.Pid, "for the denied bind");
        Assert.Equal("EACCES", eacces.Str("error"));
        Assert.Equal("127.0.0.1", eacces.Str("addr"));
        Assert.Equal(81, eacces.Num("port"));
        Assert.Equal(65534, eacces.Num("uid"));
    }

    [Fact]
    public void Failed_binds_are_left_out_by_default()
    {
        Requires.Root();
        var port = FreePort();
        using var session = RunningGadget.Start(new BindGadget());

        var run = SocketsProcess.Run(Site.Host, "bind", "tcp", "4", "127.0.0.1", Text(port), "twice");

        EventOf(session, run, port);
        session.Stop();
        Assert.Single(session.Records, e => e.IsEvent() && e.Num("pid") == run.Pid);
    }

    [Fact]
    public void Ports_keep_only_binds_to_those_ports()
    {
        Requires.Root();
        var wanted = FreePort();
        var other = FreePort();
        using var session = RunningGadget.Start(new BindGadget(), ("ports", $"{wanted},1"));

        var otherRun = SocketsProcess.Run(Site.Host, "bind", "udp", "4", "127.0.0.1", Text(other));
        var wantedRun = SocketsProcess.Run(Site.Host, "bind", "udp", "4", "127.0.0.1", Text(wanted));

        EventOf(session, wantedRun, wanted);
        session.Stop();
        Assert.DoesNotContain(session.Records, e => e.IsEvent() && e.Num("pid") == otherRun.Pid);
        Assert.All(session.Records.Where(e => e.IsEvent()), e => Assert.Contains(e.Num("port"), (long[])[wanted, 1]));
    }

    [Fact]
    public void Pids_keep_only_binds_of_those_processes()
    {
        Requires.Root();
        using var wanted = SocketsProcess.Start(Site.Host, "bind", "udp", "6", "::1", "0", "wait");
        using var other = SocketsProcess.Start(Site.Host, "bind", "udp", "6", "::1", "0", "wait");
        wanted.Next("waiting");
        other.Next("waiting");
        using var session = RunningGadget.Start(new BindGadget(), ("pids", Text(wanted.Pid)));

        other.WriteLine("go");
        var otherPort = other.Next("bind").Int("port");
        wanted.WriteLine("go");
        var wantedPort = wanted.Next("bind").Int("port");

        session.WaitFor(e => e.IsEvent() && e.Num("pid") == wanted.Pid && e.Num("port") == wantedPort, "for the wanted process");
        session.Stop();
        Assert.DoesNotContain(session.Records, e => e.IsEvent() && (e.Num("pid") == other.Pid || e.Num("port") == otherPort));
        Assert.All(session.Records.Where(e => e.IsEvent()), e => Assert.Equal(wanted.Pid, e.Num("pid")));
    }

    [Fact]
    public void The_bound_interface_is_named_in_the_namespace_of_the_socket()
    {
        Requires.Root();
        using var netns = NetworkNamespace.Create("igtb");
        var ns = new NetnsSite(netns);
        // A name that exists only inside the namespace: user space on the host could not resolve it.
        var device = "igtd" + Guid.NewGuid().ToString("N")[..6];
        ns.AddInterface(device, "10.213.7.1/24", "fd00:213:7::1/64");
        using var session = RunningGadget.Start(new BindGadget());

        var v4 = SocketsProcess.Run(ns, "bind", "tcp", "4", "10.213.7.1", "0", $"dev={device}");
        var v6 = SocketsProcess.Run(ns, "bind", "udp", "6", "fd00:213:7::1", "0", $"dev={device}");

        Assert.Equal(ns.Id, v4.NetworkNamespace);
        var e4 = EventOf(session, v4, v4.Single("bind").Int("port"));
        Assert.Equal(device, e4.Str("if"));
        Assert.Equal("10.213.7.1", e4.Str("addr"));
        Assert.Equal(ns.Id, (ulong)e4.Num("netnsid"));
        // ip netns exec runs the command in a mount namespace of its own: the event must say which.
        Assert.Equal(v4.MountNamespace, (ulong)e4.Num("mountnsid"));
        Assert.NotEqual(TraceExecTests.OwnMountNamespace(), v4.MountNamespace);
        var e6 = EventOf(session, v6, v6.Single("bind").Int("port"));
        Assert.Equal(device, e6.Str("if"));
        Assert.Equal("fd00:213:7::1", e6.Str("addr"));
        Assert.Equal("UDP", e6.Str("proto"));
    }
}
