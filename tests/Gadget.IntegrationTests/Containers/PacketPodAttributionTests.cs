using System.Globalization;
using System.Text.Json;
using Gadget.Containers;
using Gadget.Gadgets;
using Gadget.Gadgets.Trace.Dns;
using Gadget.Gadgets.Trace.Sni;
using Gadget.IntegrationTests.Infrastructure;
using static Gadget.IntegrationTests.Infrastructure.PodNetwork;

namespace Gadget.IntegrationTests.Containers;

/// <summary>trace dns and trace sni (packets seen at the cgroup root, attributed to the socket's
/// owner) from inside CRI pods: busybox nslookup and wget in a pod container, against dnsmasq and
/// openssl s_server run by the test on the host, in the pod's network namespace or — for
/// host-network pods, which share the host's — on the host's loopback. The pod filter keeps out
/// what the servers and other processes of the same network namespace do, and other pods; a
/// second session that sees everything shows those events did happen.</summary>
public sealed class PacketPodAttributionTests : OwningTest
{
    private readonly SelfSignedCertificate _certificate;
    private const int TlsPort = 8443;

    public PacketPodAttributionTests() => _certificate = Own(new SelfSignedCertificate());

    /// <summary>A session with the pod filter under test, and one that sees every process.</summary>
    private (RunningGadget Filtered, RunningGadget All) Trace(Func<TraceGadget> gadget, ContainerSelector selector, params (string Key, string Value)[] parameters) =>
        (Own(RunningGadget.StartWithContainers(gadget(), selector, parameters)),
         Own(RunningGadget.StartWithContainers(gadget(), new ContainerSelector { IncludeHost = true }, parameters)));

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static bool IsDns(JsonElement e, string qr, string pktType, ulong netns) =>
        e.IsEvent() && e.Str("qr") == qr && e.Str("name") == DnsServer.Name + "." && e.Str("pktType") == pktType && (ulong)e.Num("netnsid") == netns;

    /// <summary>After the batch latency, the filtered session holds events of <paramref name="pod"/> only.</summary>
    private static void AssertOnlyPod(RunningGadget session, CriPod pod)
    {
        session.Stop();
        Assert.All(session.Records.Where(r => r.IsEvent()), e => Assert.Equal(pod.Name, e.Str("k8s", "podName")));
    }

    /// <summary>The query nslookup sent from the pod and the answer it got, attributed to the pod.</summary>
    private static void AssertLookup(RunningGadget session, CriPod pod, ulong netns, int serverPort)
    {
        var query = session.WaitFor(e => IsDns(e, "Q", "OUTGOING", netns), "for the pod's query");
        AssertInPod(query, pod, "web", session);
        Assert.Equal("nslookup", query.Str("comm"));
        Assert.Equal("UDP", query.Str("protocol"));
        Assert.Equal("A", query.Str("qtype"));
        Assert.Equal("127.0.0.1", query.Str("nameserver"));
        Assert.Equal(serverPort, query.Num("dstPort"));
        var response = session.WaitFor(e => IsDns(e, "R", "HOST", netns) && e.Str("id") == query.Str("id"), "for the answer the pod received");
        AssertInPod(response, pod, "web", session);
        Assert.Equal("No Error", response.Str("rcode"));
        Assert.Equal([DnsServer.Address], response.Strings("addresses"));
        Assert.Equal(serverPort, response.Num("srcPort"));
    }

    [Fact]
    public void A_query_from_a_pod_is_attributed_and_a_pod_filter_keeps_the_server_and_other_pods_out()
    {
        Requires.Root();
        var pod = Own(CriPod.Run());
        pod.StartContainer("web");
        var other = Own(CriPod.Run());
        other.StartContainer("web");
        var (netns, otherNetns) = (NetnsOf(pod, "web"), NetnsOf(other, "web"));
        // dnsmasq is a host process in the pod's network namespace: same sockets' namespace, not the pod.
        var server = Own(DnsServer.Start(NetworkNamespace.OfProcess(pod.ContainerPid("web")), "127.0.0.1", 53));
        var (session, all) = Trace(() => new DnsGadget(), new ContainerSelector { PodName = pod.Name });

        // No server in the other pod: its query goes out all the same.
        other.Exec("web", "nslookup", "-type=a", DnsServer.Name, "127.0.0.1");
        Assert.Contains(DnsServer.Address, pod.Exec("web", "nslookup", "-type=a", DnsServer.Name, "127.0.0.1"));

        AssertLookup(session, pod, netns, 53);
        AssertInPod(all.WaitFor(e => IsDns(e, "Q", "OUTGOING", otherNetns), "for the other pod's query, without the filter"), other, "web", all);
        var received = all.WaitFor(e => IsDns(e, "Q", "HOST", netns) && e.Num("pid") == server.Identity.Pid, "for the query dnsmasq received, without the filter");
        Assert.Equal((long)server.Identity.MountNamespace, received.Num("mountnsid"));
        Assert.Null(received.Str("k8s", "podName"));
        AssertOnlyPod(session, pod);
        Assert.DoesNotContain(session.Records, e => e.Num("pid") == server.Identity.Pid || (ulong)e.Num("netnsid") == otherNetns);
    }

    [Fact]
    public void A_query_from_a_host_network_pod_is_attributed_to_the_pod_not_to_the_host()
    {
        Requires.Root();
        var pod = Own(CriPod.Run(hostNetwork: true));
        pod.StartContainer("web");
        Assert.Equal(NetworkNamespace.HostInode, NetnsOf(pod, "web"));
        var server = Own(DnsServer.StartOnHostLoopback());
        var port = Text(server.Port);
        var (session, all) = Trace(() => new DnsGadget(), new ContainerSelector { PodName = pod.Name }, ("ports", port));
        Assert.True(session.Containers!.FindById(pod.ContainerId("web"))!.HostNetwork);

        // A host process asks the same server, from the same network namespace.
        var (dig, digOutput) = TracedProcess.Run(null, "dig", "@127.0.0.1", "-p", port, "+tries=1", "+time=3", DnsServer.Name, "A");
        Assert.Contains(DnsServer.Address, digOutput);
        Assert.Contains(DnsServer.Address, pod.Exec("web", "nslookup", "-type=a", DnsServer.Name, "127.0.0.1:" + port));

        AssertLookup(session, pod, NetworkNamespace.HostInode, server.Port);
        var hostQuery = all.WaitFor(e => IsDns(e, "Q", "OUTGOING", NetworkNamespace.HostInode) && e.Num("pid") == dig.Pid, "for the host's query, without the filter");
        Assert.Equal((long)dig.MountNamespace, hostQuery.Num("mountnsid"));
        Assert.Null(hostQuery.Str("k8s", "podName"));
        all.WaitFor(e => IsDns(e, "Q", "HOST", NetworkNamespace.HostInode) && e.Num("pid") == server.Identity.Pid, "for the queries dnsmasq received, without the filter");
        AssertOnlyPod(session, pod);
        Assert.DoesNotContain(session.Records, e => e.Num("pid") == dig.Pid || e.Num("pid") == server.Identity.Pid);
    }

    /// <summary>openssl s_server (-www: it answers wget's request) on 127.0.0.1:<paramref name="port"/>
    /// of a network namespace (null: the host's). Security level 0: busybox's own TLS offers only
    /// signature algorithms that OpenSSL 3 refuses by default, and the handshake should complete.</summary>
    private ProcessIdentity StartTlsServer(NetworkNamespace? ns, int port)
    {
        var (process, identity) = TracedProcess.Start(ns, "openssl", "s_server", "-www", "-cipher", "ALL:@SECLEVEL=0", "-accept", $"127.0.0.1:{Text(port)}",
            "-cert", _certificate.CertificatePath, "-key", _certificate.KeyPath);
        Own(process);
        process.WaitForLine(l => l.Contains("ACCEPT", StringComparison.Ordinal), "ACCEPT", TimeSpan.FromSeconds(10));
        return identity;
    }

    /// <summary>openssl s_server on a random free port of the host's loopback.</summary>
    private (ProcessIdentity Server, int Port) StartTlsServerOnHostLoopback()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = Random.Shared.Next(20000, 60000);
            try
            {
                return (StartTlsServer(null, port), port);
            }
            catch (TimeoutException) when (attempt < 5)
            {
            }
        }
    }

    private static string UniqueName() => $"{Guid.NewGuid():N}"[..12] + ".sni.igtest";

    /// <summary>busybox wget says hello to https://NAME:PORT/ from a pod container; NAME is made to
    /// resolve to 127.0.0.1 in the container's /etc/hosts (the pod's own copy).</summary>
    private static void Wget(CriPod pod, string name, int port)
    {
        pod.Exec("web", "sh", "-c", $"echo '127.0.0.1 {name}' >> /etc/hosts");
        var output = pod.Exec("web", "sh", "-c", $"timeout 10 wget --no-check-certificate -O - https://{name}:{Text(port)}/ 2>&1");
        Assert.True(output.Contains("s_server -www", StringComparison.Ordinal), $"wget in {pod.Name}: {output}");
    }

    private static bool IsHello(JsonElement e, string name) => e.IsEvent() && e.Str("name") == name;

    [Fact]
    public void A_client_hello_from_a_pod_is_attributed_and_a_pod_filter_keeps_the_server_and_other_pods_out()
    {
        Requires.Root();
        var pod = Own(CriPod.Run());
        pod.StartContainer("web");
        var other = Own(CriPod.Run());
        other.StartContainer("web");
        var (netns, otherNetns) = (NetnsOf(pod, "web"), NetnsOf(other, "web"));
        // Each pod's server is a host process in that pod's network namespace.
        var server = StartTlsServer(NetworkNamespace.OfProcess(pod.ContainerPid("web")), TlsPort);
        StartTlsServer(NetworkNamespace.OfProcess(other.ContainerPid("web")), TlsPort);
        var (session, all) = Trace(() => new SniGadget(), new ContainerSelector { PodName = pod.Name, ContainerName = "web" });
        var (name, otherName) = (UniqueName(), UniqueName());

        Wget(other, otherName, TlsPort);
        Wget(pod, name, TlsPort);

        var hello = session.WaitFor(e => IsHello(e, name), "for the pod's hello");
        AssertInPod(hello, pod, "web", session);
        Assert.Equal("wget", hello.Str("comm"));
        var otherHello = all.WaitFor(e => IsHello(e, otherName) && e.Str("k8s", "podName") == other.Name, "for the other pod's hello, without the filter");
        AssertInPod(otherHello, other, "web", all);
        var received = all.WaitFor(e => IsHello(e, name) && e.Num("pid") == server.Pid, "for the hello the server received, without the filter");
        Assert.Equal(netns, (ulong)received.Num("netnsid"));
        Assert.Equal((long)server.MountNamespace, received.Num("mountnsid"));
        Assert.Null(received.Str("k8s", "podName"));
        AssertOnlyPod(session, pod);
        Assert.DoesNotContain(session.Records, e => e.Num("pid") == server.Pid || (ulong)e.Num("netnsid") == otherNetns);
    }

    [Fact]
    public void A_client_hello_from_a_host_network_pod_is_attributed_to_the_pod_not_to_the_host()
    {
        Requires.Root();
        var pod = Own(CriPod.Run(hostNetwork: true));
        pod.StartContainer("web");
        var (server, port) = StartTlsServerOnHostLoopback();
        var (session, all) = Trace(() => new SniGadget(), new ContainerSelector { PodName = pod.Name });
        var (name, hostName) = (UniqueName(), UniqueName());

        // A host process says hello to the same server, from the same network namespace.
        var (client, _) = TracedProcess.RunWithInput(null, "", "openssl", "s_client", "-connect", $"127.0.0.1:{Text(port)}", "-servername", hostName);
        Wget(pod, name, port);

        var hello = session.WaitFor(e => IsHello(e, name), "for the pod's hello");
        AssertInPod(hello, pod, "web", session);
        Assert.Equal(NetworkNamespace.HostInode, (ulong)hello.Num("netnsid"));
        Assert.Equal("wget", hello.Str("comm"));
        var hostHello = all.WaitFor(e => IsHello(e, hostName) && e.Num("pid") == client.Pid, "for the host's hello, without the filter");
        Assert.Equal((long)client.MountNamespace, hostHello.Num("mountnsid"));
        Assert.Equal(NetworkNamespace.HostInode, (ulong)hostHello.Num("netnsid"));
        all.WaitFor(e => IsHello(e, name) && e.Num("pid") == server.Pid, "for the hello the server received, without the filter");
        AssertOnlyPod(session, pod);
        Assert.DoesNotContain(session.Records, e => e.Num("pid") == client.Pid || e.Num("pid") == server.Pid || e.Str("name") == hostName);
    }
}
