using System.Globalization;
using System.Text.Json;
using Gadget.Containers;
using Gadget.Gadgets;
using Gadget.Gadgets.Trace.Bind;
using Gadget.Gadgets.Trace.Tcp;
using Gadget.Gadgets.Trace.Tcpconnect;
using Gadget.IntegrationTests.Infrastructure;
using static Gadget.IntegrationTests.Infrastructure.PodNetwork;

namespace Gadget.IntegrationTests.Containers;

/// <summary>trace bind, tcp and tcpconnect with the sockets helper inside CRI pods, each pod in a
/// network namespace of its own (listener and client talk over the pod's loopback): events carry
/// namespace, pod, container, the container's mount namespace and the pod's network namespace.
/// Each test runs two sessions side by side: one with a pod filter, which must keep out another
/// pod's event, and one over every container, which shows that event did happen.</summary>
public sealed class NetworkPodAttributionTests : OwningTest
{
    private const int ServerPort = 8080;

    private (RunningGadget Filtered, RunningGadget All) Trace(Func<TraceGadget> gadget, ContainerSelector selector, params (string Key, string Value)[] parameters) =>
        (Own(RunningGadget.StartWithContainers(gadget(), selector, parameters)),
         Own(RunningGadget.StartWithContainers(gadget(), new ContainerSelector(), parameters)));

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static bool InNetns(JsonElement e, ulong netns) => e.IsEvent() && (ulong)e.Num("netnsid") == netns;

    private static void AssertEndpoint(JsonElement endpoint, int port)
    {
        Assert.Equal("127.0.0.1", endpoint.Str("addr"));
        Assert.Equal(4, endpoint.Num("version"));
        Assert.Equal(port, endpoint.Num("port"));
    }

    /// <summary>The filtered session has only events of <paramref name="pod"/>, none of the other's
    /// network namespace (read after the batch latency, so a leak would have arrived).</summary>
    private static void AssertOnlyPod(RunningGadget session, CriPod pod, ulong otherNetns)
    {
        session.Stop();
        Assert.DoesNotContain(session.Records, e => InNetns(e, otherNetns));
        Assert.All(session.Records.Where(r => r.IsEvent()), e => Assert.Equal(pod.Name, e.Str("k8s", "podName")));
    }

    /// <summary>A pod with a listener container ("server", the sockets helper as its first process
    /// on 127.0.0.1:8080, accepting one connection and staying) and a "client" container.</summary>
    private CriPod StartServerPod(string? ns = null, IReadOnlyDictionary<string, string>? labels = null)
    {
        var pod = Own(ns is null ? CriPod.Run(labels: labels) : CriPod.Run(ns: ns, labels: labels));
        pod.StartContainer("server", WithHelpers, "/host/sockets", "listen", "4", "127.0.0.1", Text(ServerPort), "accept=2");
        pod.StartContainer("client", WithHelpers);
        WaitListening(pod.ContainerPid("server"), ServerPort);
        return pod;
    }

    [Fact]
    public void A_bind_in_a_pod_is_attributed_and_a_pod_name_filter_keeps_other_pods_out()
    {
        Requires.Root();
        var pod = Own(CriPod.Run());
        pod.StartContainer("web", WithHelpers);
        var other = Own(CriPod.Run());
        other.StartContainer("web", WithHelpers);
        var (session, all) = Trace(() => new BindGadget(), new ContainerSelector { PodName = pod.Name });
        var (podNetns, otherNetns) = (NetnsOf(pod, "web"), NetnsOf(other, "web"));
        Assert.NotEqual(podNetns, otherNetns);

        var otherPort = Sockets(other, "web", "bind", "udp", "4", "127.0.0.1", "0").Single().Int("port");
        var port = Sockets(pod, "web", "bind", "tcp", "4", "127.0.0.1", "0", "reuseaddr").Single().Int("port");

        var e = session.WaitFor(e => InNetns(e, podNetns) && e.Num("port") == port, "for the bind in the pod");
        AssertInPod(e, pod, "web", session);
        Assert.Equal("sockets", e.Str("comm"));
        Assert.Equal("TCP", e.Str("proto"));
        Assert.Equal("127.0.0.1", e.Str("addr"));
        Assert.Equal(".R...", e.Str("opts"));
        var seen = all.WaitFor(e => InNetns(e, otherNetns) && e.Num("port") == otherPort, "for the other pod's bind, without the filter");
        AssertInPod(seen, other, "web", all);
        Assert.Equal("UDP", seen.Str("proto"));
        AssertOnlyPod(session, pod, otherNetns);
    }

    [Fact]
    public void Connect_accept_and_close_in_a_pod_are_attributed_and_a_label_filter_keeps_other_pods_out()
    {
        Requires.Root();
        var app = Paths.UniqueName("igt-app");
        var pod = StartServerPod(labels: new Dictionary<string, string> { ["app"] = app });
        var other = Own(CriPod.Run(labels: new Dictionary<string, string> { ["app"] = app + "-other" }));
        other.StartContainer("client", WithHelpers);
        var (session, all) = Trace(() => new TcpGadget(), new ContainerSelector { Labels = ContainerSelector.ParseLabels("app=" + app) });
        var (podNetns, otherNetns) = (NetnsOf(pod, "client"), NetnsOf(other, "client"));
        Assert.Equal(podNetns, NetnsOf(pod, "server"));

        // Nothing listens in the other pod: its connect is refused, which trace tcp reports too.
        Assert.Equal(111, Sockets(other, "client", "connect", "4", "127.0.0.1", Text(ServerPort)).Single().Int("errno"));
        var connected = Sockets(pod, "client", "connect", "4", "127.0.0.1", Text(ServerPort)).Single();
        Assert.Equal(0, connected.Int("errno"));
        var clientPort = connected.Int("port");

        bool Is(JsonElement e, string operation, int srcPort) =>
            InNetns(e, podNetns) && e.Str("operation") == operation && e.GetProperty("src").Num("port") == srcPort;
        var connect = session.WaitFor(e => Is(e, "connect", clientPort), "for the client's connect");
        AssertInPod(connect, pod, "client", session);
        Assert.Equal("sockets", connect.Str("comm"));
        AssertEndpoint(connect.GetProperty("src"), clientPort);
        AssertEndpoint(connect.GetProperty("dst"), ServerPort);
        Assert.False(connect.TryGetProperty("error", out _));
        var accept = session.WaitFor(e => Is(e, "accept", ServerPort), "for the server's accept");
        AssertInPod(accept, pod, "server", session);
        Assert.Equal(pod.ContainerPid("server"), accept.Num("pid"));
        AssertEndpoint(accept.GetProperty("dst"), clientPort);
        AssertInPod(session.WaitFor(e => Is(e, "close", clientPort), "for the client's close"), pod, "client", session);
        var serverClose = session.WaitFor(e => Is(e, "close", ServerPort), "for the server's close");
        AssertInPod(serverClose, pod, "server", session);
        AssertEndpoint(serverClose.GetProperty("dst"), clientPort);

        var refused = all.WaitFor(e => InNetns(e, otherNetns) && e.Str("operation") == "connect", "for the other pod's connect, without the filter");
        AssertInPod(refused, other, "client", all);
        Assert.Equal("ECONNREFUSED", refused.Str("error"));
        AssertOnlyPod(session, pod, otherNetns);
    }

    [Fact]
    public void A_connect_in_a_pod_is_attributed_with_its_latency_and_a_namespace_filter_keeps_other_pods_out()
    {
        Requires.Root();
        var ns = Paths.UniqueName("igt-ns");
        var pod = StartServerPod(ns: ns);
        var other = StartServerPod();
        var (session, all) = Trace(() => new TcpconnectGadget(), new ContainerSelector { Namespace = ns }, ("latency", "true"));
        var (podNetns, otherNetns) = (NetnsOf(pod, "client"), NetnsOf(other, "client"));

        var otherPort = Sockets(other, "client", "connect", "4", "127.0.0.1", Text(ServerPort)).Single().Int("port");
        var connected = Sockets(pod, "client", "connect", "4", "127.0.0.1", Text(ServerPort)).Single();
        Assert.Equal(0, connected.Int("errno"));

        var e = session.WaitFor(e => InNetns(e, podNetns) && e.GetProperty("src").Num("port") == connected.Int("port"), "for the connect in the pod");
        AssertInPod(e, pod, "client", session);
        Assert.Equal(ns, e.Str("k8s", "namespace"));
        Assert.Equal("sockets", e.Str("comm"));
        Assert.Equal(4, e.Num("ipversion"));
        AssertEndpoint(e.GetProperty("src"), connected.Int("port"));
        AssertEndpoint(e.GetProperty("dst"), ServerPort);
        Assert.InRange(e.Num("latency"), 1, 1_000_000_000); // over the pod's loopback: well under a second
        var seen = all.WaitFor(e => InNetns(e, otherNetns) && e.GetProperty("src").Num("port") == otherPort, "for the other pod's connect, without the filter");
        AssertInPod(seen, other, "client", all);
        AssertOnlyPod(session, pod, otherNetns);
        // The accepting side is not a connect.
        Assert.DoesNotContain(session.Records, r => r.IsEvent() && r.Str("k8s", "containerName") == "server");
    }
}
