using System.Globalization;
using System.Text.Json;
using Gadget.Containers;
using Gadget.Gadgets;
using Gadget.Gadgets.Trace.Dns;
using Gadget.IntegrationTests.Infrastructure;
using Gadget.Runtime;

namespace Gadget.IntegrationTests.Trace;

/// <summary>trace dns against the real kernel: dnsmasq serves a test zone in a network namespace
/// made for the test (or on the host's loopback), dig and a burst sender query it, and the events
/// must carry the querying process (pid, mount namespace) and its network namespace.</summary>
public sealed class TraceDnsTests : OwningTest
{

    private RunningGadget Trace(params (string Key, string Value)[] parameters) =>
        Own(RunningGadget.Start(new DnsGadget(), parameters));

    private RunningGadget Trace(RunOptions options) => Own(RunningGadget.Start(new DnsGadget(), options));

    private static ParameterValues Parameters(params (string Key, string Value)[] values) =>
        new(new DnsGadget().Parameters, values.Select(v => new KeyValuePair<string, string>(v.Key, v.Value)));

    private static ProcessIdentity Dig(NetworkNamespace? ns, string server, int port, params string[] query)
    {
        var (process, output) = TracedProcess.Run(ns,
            ["dig", "@" + server, "-p", port.ToString(CultureInfo.InvariantCulture), "+tries=1", "+time=3", .. query]);
        Assert.Contains("status:", output);
        return process;
    }

    private static bool IsQuery(JsonElement e, string name, int pid) =>
        e.IsEvent() && e.Str("qr") == "Q" && e.Str("name") == name && e.Num("pid") == pid;

    private static bool IsResponse(JsonElement e, string name, int pid) =>
        e.IsEvent() && e.Str("qr") == "R" && e.Str("name") == name && e.Num("pid") == pid;

    [Fact]
    public void A_udp_query_and_its_response_in_a_network_namespace_are_attributed_to_the_client()
    {
        Requires.Root();
        var ns = Own(NetworkNamespace.Create("igtd"));
        var server = Own(DnsServer.Start(ns, "127.0.0.1", 53));
        var session = Trace();

        var dig = Dig(ns, "127.0.0.1", 53, DnsServer.Name, "A");

        var query = session.WaitFor(e => IsQuery(e, "a.igtest.", dig.Pid), "for the query");
        Assert.Equal("OUTGOING", query.Str("pktType"));
        Assert.Equal("UDP", query.Str("protocol"));
        Assert.Equal("A", query.Str("qtype"));
        Assert.Equal("127.0.0.1", query.Str("nameserver"));
        Assert.Equal(53, query.Num("dstPort"));
        Assert.Equal((long)dig.MountNamespace, query.Num("mountnsid"));
        Assert.Equal((long)ns.Inode, query.Num("netnsid"));
        Assert.NotEqual(0, query.Num("tid"));
        Assert.Matches("^[0-9a-f]{4}$", query.Str("id"));
        Assert.False(query.TryGetProperty("rcode", out _), "a query has no response code");

        var response = session.WaitFor(e => IsResponse(e, "a.igtest.", dig.Pid) && e.Str("id") == query.Str("id"), "for the response");
        Assert.Equal("HOST", response.Str("pktType"));
        Assert.Equal("No Error", response.Str("rcode"));
        Assert.Equal(1, response.Num("numAnswers"));
        Assert.Equal([DnsServer.Address], response.Strings("addresses"));
        Assert.Equal(53, response.Num("srcPort"));
        Assert.Equal("127.0.0.1", response.Str("nameserver"));
        Assert.InRange(response.Num("latency"), 1, 3_000_000_000);
        Assert.Equal((long)ns.Inode, response.Num("netnsid"));

        // The server's side of the exchange is attributed to the server.
        var received = session.WaitFor(e => IsQuery(e, "a.igtest.", server.Identity.Pid), "for the query dnsmasq received");
        Assert.Equal("HOST", received.Str("pktType"));
        Assert.Equal("dnsmasq", received.Str("comm"));
        Assert.Equal((long)server.Identity.MountNamespace, received.Num("mountnsid"));
        session.WaitFor(e => IsResponse(e, "a.igtest.", server.Identity.Pid) && e.Str("pktType") == "OUTGOING", "for the response dnsmasq sent");
    }

    [Fact]
    public void Multicast_dns_port_5353_is_traced_by_default_as_by_the_reference()
    {
        Requires.Root();
        var ns = Own(NetworkNamespace.Create("igtd"));
        Own(DnsServer.Start(ns, "127.0.0.1", 5353));
        var session = Trace();

        var dig = Dig(ns, "127.0.0.1", 5353, DnsServer.Name, "A");

        var response = session.WaitFor(e => IsResponse(e, "a.igtest.", dig.Pid), "for the response on port 5353");
        Assert.Equal(5353, response.Num("srcPort"));
        Assert.Equal("No Error", response.Str("rcode"));
    }

    [Fact]
    public void A_response_later_than_the_dns_timeout_has_no_latency()
    {
        Requires.Root();
        var ns = Own(NetworkNamespace.Create("igtd"));
        Own(DnsServer.Start(ns, "127.0.0.1", 53));
        var session = Trace(("dns-timeout", "1ns"));

        var dig = Dig(ns, "127.0.0.1", 53, DnsServer.Name, "A");

        var response = session.WaitFor(e => IsResponse(e, "a.igtest.", dig.Pid), "for the response");
        Assert.Equal(0, response.Num("latency"));
        Assert.Equal(1, response.Num("numAnswers"));
    }

    [Theory]
    [InlineData("0s", "DNS timeout must be > 0")]
    [InlineData("soon", "invalid value \"soon\" for --dns-timeout")]
    public void A_bad_dns_timeout_is_one_error_line(string value, string message)
    {
        Requires.Root();
        Assert.Contains(message, ErrorLine.AssertRefused("trace", "dns", "--dns-timeout", value), StringComparison.Ordinal);
    }

    [Fact]
    public void A_tcp_query_for_a_missing_name_reports_nxdomain()
    {
        Requires.Root();
        var ns = Own(NetworkNamespace.Create("igtd"));
        Own(DnsServer.Start(ns, "127.0.0.1", 53));
        var session = Trace();

        var dig = Dig(ns, "127.0.0.1", 53, "+tcp", DnsServer.MissingName);

        var query = session.WaitFor(e => IsQuery(e, "nx.igtest.", dig.Pid), "for the query");
        Assert.Equal("TCP", query.Str("protocol"));
        var response = session.WaitFor(e => IsResponse(e, "nx.igtest.", dig.Pid), "for the response");
        Assert.Equal("TCP", response.Str("protocol"));
        Assert.Equal("Non-Existent Domain", response.Str("rcode"));
        Assert.Equal(0, response.Num("numAnswers"));
        Assert.Empty(response.Strings("addresses"));
        Assert.Equal((long)ns.Inode, response.Num("netnsid"));
    }

    [Fact]
    public void Aaaa_answers_and_long_answer_lists_are_decoded()
    {
        Requires.Root();
        var ns = Own(NetworkNamespace.Create("igtd"));
        Own(DnsServer.Start(ns, "127.0.0.1", 53));
        var session = Trace();

        var aaaa = Dig(ns, "127.0.0.1", 53, DnsServer.Name, "AAAA");
        var multi = Dig(ns, "127.0.0.1", 53, DnsServer.MultiName, "A");

        var v6 = session.WaitFor(e => IsResponse(e, "a.igtest.", aaaa.Pid), "for the AAAA response");
        Assert.Equal("AAAA", v6.Str("qtype"));
        Assert.Equal([DnsServer.Address6], v6.Strings("addresses"));
        var many = session.WaitFor(e => IsResponse(e, "multi.igtest.", multi.Pid), "for the long response");
        Assert.Equal(DnsServer.MultiCount, many.Num("numAnswers"));
        var addresses = many.Strings("addresses");
        Assert.Equal(DnsGadget.MaxAddresses, addresses.Length);
        Assert.All(addresses, a => Assert.StartsWith("10.0.0.", a));
    }

    [Fact]
    public void A_query_over_ipv6_shows_ipv6_addresses()
    {
        Requires.Root();
        var ns = Own(NetworkNamespace.Create("igtd"));
        Own(DnsServer.Start(ns, "::1", 53));
        var session = Trace();

        var dig = Dig(ns, "::1", 53, DnsServer.Name);

        var query = session.WaitFor(e => IsQuery(e, "a.igtest.", dig.Pid), "for the query");
        Assert.Equal("::1", query.Str("nameserver"));
        Assert.Equal("::1", query.Str("srcIP"));
        var response = session.WaitFor(e => IsResponse(e, "a.igtest.", dig.Pid), "for the response");
        Assert.Equal("::1", response.Str("nameserver"));
        Assert.Equal([DnsServer.Address], response.Strings("addresses"));
    }

    [Fact]
    public void A_query_in_the_host_network_namespace_on_a_chosen_port()
    {
        Requires.Root();
        var server = Own(DnsServer.StartOnHostLoopback());
        var session = Trace(("ports", server.Port.ToString(CultureInfo.InvariantCulture)));

        var dig = Dig(null, "127.0.0.1", server.Port, DnsServer.Name);

        var query = session.WaitFor(e => IsQuery(e, "a.igtest.", dig.Pid), "for the query");
        Assert.Equal((long)NetworkNamespace.HostInode, query.Num("netnsid"));
        Assert.Equal((long)dig.MountNamespace, query.Num("mountnsid"));
        Assert.Equal(server.Port, query.Num("dstPort"));
        var response = session.WaitFor(e => IsResponse(e, "a.igtest.", dig.Pid), "for the response");
        Assert.Equal([DnsServer.Address], response.Strings("addresses"));
    }

    [Fact]
    public void Traffic_on_other_ports_is_not_dns()
    {
        Requires.Root();
        var hostServer = Own(DnsServer.StartOnHostLoopback());
        var ns = Own(NetworkNamespace.Create("igtd"));
        Own(DnsServer.Start(ns, "127.0.0.1", 53));
        var session = Trace(); // the default: port 53 only

        var offPort = Dig(null, "127.0.0.1", hostServer.Port, DnsServer.Name);
        var onPort = Dig(ns, "127.0.0.1", 53, DnsServer.Name);

        session.WaitFor(e => IsResponse(e, "a.igtest.", onPort.Pid), "for the query on port 53");
        session.Stop();
        Assert.DoesNotContain(session.Records, e => e.Num("pid") == offPort.Pid);
        Assert.DoesNotContain(session.Records, e => e.Num("srcPort") == hostServer.Port || e.Num("dstPort") == hostServer.Port);
    }

    [Fact]
    public void The_mount_namespace_filter_is_applied_to_the_socket_owner_in_the_kernel()
    {
        Requires.Root();
        var ns = Own(NetworkNamespace.Create("igtd"));
        var server = Own(DnsServer.Start(ns, "127.0.0.1", 53));
        var session = Trace(new RunOptions
        {
            Parameters = Parameters(),
            MountNamespaceFilter = new FixedMountNamespaces(server.Identity.MountNamespace),
        });

        var dig = Dig(ns, "127.0.0.1", 53, DnsServer.Name);

        session.WaitFor(e => IsResponse(e, "a.igtest.", server.Identity.Pid), "for the server's response");
        session.Stop();
        Assert.DoesNotContain(session.Records, e => e.Num("pid") == dig.Pid);
        Assert.All(session.Records.Where(r => r.IsEvent()), e => Assert.Equal((long)server.Identity.MountNamespace, e.Num("mountnsid")));
    }

    [Fact]
    public void Client_and_server_in_two_namespaces_joined_by_veth_each_see_their_own_side()
    {
        Requires.Root();
        var client = Own(NetworkNamespace.Create("igtc"));
        var serverNs = Own(NetworkNamespace.Create("igts"));
        var subnet = Random.Shared.Next(1, 250);
        var (clientAddress, serverAddress) = ($"10.123.{subnet}.1", $"10.123.{subnet}.2");
        NetworkNamespace.Connect(client, clientAddress, serverNs, serverAddress);
        var server = Own(DnsServer.Start(serverNs, serverAddress, 53));
        var session = Trace();

        var dig = Dig(client, serverAddress, 53, DnsServer.Name);

        var query = session.WaitFor(e => IsQuery(e, "a.igtest.", dig.Pid), "for the client's query");
        Assert.Equal((long)client.Inode, query.Num("netnsid"));
        Assert.Equal(serverAddress, query.Str("nameserver"));
        Assert.Equal(clientAddress, query.Str("srcIP"));
        var received = session.WaitFor(e => IsQuery(e, "a.igtest.", server.Identity.Pid), "for the query the server received");
        Assert.Equal((long)serverNs.Inode, received.Num("netnsid"));
        Assert.Equal("HOST", received.Str("pktType"));
        var response = session.WaitFor(e => IsResponse(e, "a.igtest.", dig.Pid), "for the response the client received");
        Assert.Equal((long)client.Inode, response.Num("netnsid"));
        Assert.Equal(serverAddress, response.Str("nameserver"));
        Assert.True(response.Num("latency") > 0);
    }

    [Fact]
    public void A_query_from_a_docker_container_is_attributed_to_the_container_and_filtered_by_it()
    {
        Requires.Root();
        // The container has only its loopback; the server is a host process in its namespace.
        var container = Own(DockerContainer.Run(dockerOptions: ["--network", "none"]));
        var containerNs = NetworkNamespace.OfProcess(container.Pid);
        var server = Own(DnsServer.Start(containerNs, "127.0.0.1", 53));
        var session = Own(RunningGadget.StartWithContainers(new DnsGadget(), new ContainerSelector { ContainerName = container.Name }));

        container.Exec("nslookup", "-type=a", DnsServer.Name, "127.0.0.1");

        var query = session.WaitFor(e => e.IsEvent() && e.Str("qr") == "Q" && e.Str("name") == "a.igtest." && e.Str("pktType") == "OUTGOING", "for the container's query");
        Assert.Equal(container.Name, query.Str("runtime", "containerName"));
        Assert.Equal(container.Id, query.Str("runtime", "containerId"));
        Assert.Equal((long)session.Containers!.FindById(container.Id)!.MntnsId, query.Num("mountnsid"));
        Assert.Equal((long)containerNs.Inode, query.Num("netnsid"));
        var response = session.WaitFor(e => e.IsEvent() && e.Str("qr") == "R" && e.Str("pktType") == "HOST" && e.Str("id") == query.Str("id"), "for the response");
        Assert.Equal(container.Name, response.Str("runtime", "containerName"));
        Assert.Equal([DnsServer.Address], response.Strings("addresses"));
        // The server runs on the host: -c keeps it out, in the kernel.
        session.Stop();
        Assert.DoesNotContain(session.Records, e => e.Num("pid") == server.Identity.Pid);
    }

    [Fact]
    public void A_socket_opened_before_the_gadget_started_is_attributed_to_its_process()
    {
        Requires.Root();
        var ns = Own(NetworkNamespace.Create("igtd"));
        Own(DnsServer.Start(ns, "127.0.0.1", 53));
        // The socket is created and connected before the gadget exists: no hook sees it being
        // made, only the seeding of existing sockets can name its owner.
        var (burst, identity) = TracedProcess.Start(ns, Helpers.DnsBurst, "127.0.0.1", "53", "3", "early.igtest", "--wait");
        Own(burst);
        burst.WaitForLine(l => l.StartsWith("ready", StringComparison.Ordinal), "ready");
        var session = Trace();

        burst.WriteLine("go");

        for (var i = 0; i < 3; i++)
        {
            var name = $"q{i}.early.igtest.";
            var query = session.WaitFor(e => e.IsEvent() && e.Str("qr") == "Q" && e.Str("name") == name && e.Str("pktType") == "OUTGOING", $"for {name}");
            Assert.Equal(identity.Pid, query.Num("pid"));
            Assert.Equal("dnsburst", query.Str("comm"));
            Assert.Equal((long)identity.MountNamespace, query.Num("mountnsid"));
            Assert.Equal((long)ns.Inode, query.Num("netnsid"));
        }
    }

    [Fact]
    public void Every_query_of_a_burst_from_a_container_is_reported_or_counted_as_lost()
    {
        Requires.Root();
        // The sender runs in a Docker container (its loopback only; the host's pids) and the
        // gadget follows that container alone, as `ig trace dns -c` does.
        using var site = DockerSite.Start();
        // Nobody listens on the port: only the queries are DNS traffic, so every event is one of
        // them, and a one-page ring must overflow and count what it dropped.
        var port = Random.Shared.Next(20000, 60000).ToString(CultureInfo.InvariantCulture);
        var session = Own(RunningGadget.StartWithContainers(new DnsGadget(), new ContainerSelector { ContainerName = site.Container.Name },
            new RunOptions { Parameters = Parameters(("ports", port)), RingBufferBytes = 4096 }));

        var output = RunIn(site, Helpers.DnsBurst, "127.0.0.1", port, "20000", "burst.igtest");
        session.Stop();
        var summary = session.Stop();

        var lines = output.Split('\n');
        var pid = int.Parse(lines.Single(l => l.StartsWith("ready ", StringComparison.Ordinal)).Split(' ')[1], CultureInfo.InvariantCulture);
        var sent = long.Parse(lines.Single(l => l.StartsWith("sent ", StringComparison.Ordinal)).Split(' ')[1], CultureInfo.InvariantCulture);
        var events = session.Records.Where(e => e.IsEvent()).ToList();
        var captured = events.Count(e => e.Num("pid") == pid && e.Str("qr") == "Q");
        var lostRecords = session.Records.Where(r => r.Str("type") == "warn").Sum(r => r.Num("lostEvents"));
        Assert.Equal(20000, sent);
        Assert.True(summary.Lost > 0, "a one-page ring should overflow under a burst");
        Assert.Equal((long)summary.Lost, lostRecords);
        Assert.Equal(sent, captured + (long)summary.Lost);
        Assert.True(captured > 0, "the ring holds a few events between reads");
        Assert.All(events, e => Assert.Equal(site.Container.Name, e.Str("runtime", "containerName")));
    }

    /// <summary>Runs a helper in the container to its end; what it printed.</summary>
    private static string RunIn(DockerSite site, string helper, params string[] args)
    {
        var start = site.StartInfo(helper, args);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), $"{helper} did not finish");
        Assert.True(process.ExitCode == 0, $"{helper} failed ({process.ExitCode}): {error.Result}");
        return output;
    }

    [Fact]
    public void The_binary_traces_dns_and_leaves_nothing_loaded_when_killed()
    {
        Requires.Root();
        var ns = Own(NetworkNamespace.Create("igtd"));
        Own(DnsServer.Start(ns, "127.0.0.1", 53));
        using var ig = IgProcess.Start("trace", "dns", "--host");
        ig.WaitForLine(l => l.Contains("NUMANSWERS", StringComparison.Ordinal), "with the header");

        var dig = Dig(ns, "127.0.0.1", 53, DnsServer.MissingName);

        var line = ig.WaitForLine(l => l.Contains("nx.igtest.", StringComparison.Ordinal) && l.Contains(" R ", StringComparison.Ordinal)
            && l.TrimStart().StartsWith(dig.Pid.ToString(CultureInfo.InvariantCulture) + " ", StringComparison.Ordinal), "for the response");
        Assert.Contains("Non-Existent Domain", line);
        Assert.Contains("HOST", line);
        Assert.NotEmpty(KernelObjects.HeldBy(ig.Pid));
        ig.Signal("KILL");
        ig.WaitForExit();
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("53,-1")]
    public void A_bad_port_is_one_error_line(string ports)
    {
        Requires.Root();
        // A runtime that cannot be reached would print a warning once discovery started: the bad
        // value must be rejected before that, so the error is the only line.
        using var ig = IgProcess.Start("trace", "dns", "--host", "--ports", ports, "--docker-socketpath", "/nonexistent/docker.sock");

        Assert.Equal(1, ig.WaitForExit());
        var error = Assert.Single(ig.ErrorText.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Error: invalid value", error);
        Assert.Contains("--ports", error);
    }
}
