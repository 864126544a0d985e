using System.Globalization;
using System.Text.Json;
using Gadget.Containers;
using Gadget.Gadgets.Trace.Bind;
using Gadget.Gadgets.Trace.Tcp;
using Gadget.Gadgets.Trace.Tcpconnect;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Containers;

/// <summary>trace bind, tcp and tcpconnect with the sockets helper inside a Docker container:
/// events carry the container (also those sent from softirq context, and closes done by a
/// process that is exiting), and the container filter keeps host sockets out.</summary>
public sealed class NetworkAttributionTests : OwningTest
{

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void AssertInContainer(JsonElement e, DockerSite site, RunningGadget session, SocketsProcess process)
    {
        Assert.Equal("docker", e.Str("runtime", "runtimeName"));
        Assert.Equal(site.Container.Name, e.Str("runtime", "containerName"));
        Assert.Equal(site.Container.Id, e.Str("runtime", "containerId"));
        var mntns = session.Containers!.FindById(site.Container.Id)!.MntnsId;
        Assert.Equal(mntns, (ulong)e.Num("mountnsid"));
        Assert.Equal(process.MountNamespace, mntns);
        Assert.Equal(process.NetworkNamespace, (ulong)e.Num("netnsid"));
        Assert.Equal(process.Pid, e.Num("pid"));
    }

    private static void AssertInContainer(JsonElement e, DockerSite site, RunningGadget session, SocketsRun run)
    {
        Assert.Equal(site.Container.Name, e.Str("runtime", "containerName"));
        Assert.Equal(session.Containers!.FindById(site.Container.Id)!.MntnsId, (ulong)e.Num("mountnsid"));
        Assert.Equal(run.MountNamespace, (ulong)e.Num("mountnsid"));
        Assert.Equal(run.NetworkNamespace, (ulong)e.Num("netnsid"));
        Assert.Equal(run.Pid, e.Num("pid"));
    }

    [Fact]
    public void Binds_in_a_container_are_attributed_and_host_binds_filtered_out()
    {
        Requires.Root();
        using var site = DockerSite.Start();
        using var session = RunningGadget.StartWithContainers(new BindGadget(), new ContainerSelector { ContainerName = site.Container.Name });

        var host = SocketsProcess.Run(Site.Host, "bind", "udp", "4", "127.0.0.1", "0");
        var inside = SocketsProcess.Run(site, "bind", "tcp", "6", "::1", "0", "reuseaddr");

        var e = session.WaitFor(e => e.IsEvent() && e.Num("pid") == inside.Pid, "for the bind in the container");
        AssertInContainer(e, site, session, inside);
        Assert.Equal(inside.Single("bind").Int("port"), e.Num("port"));
        Assert.Equal("::1", e.Str("addr"));
        Assert.Equal(".R...", e.Str("opts"));
        session.Stop();
        Assert.DoesNotContain(session.Records, r => r.IsEvent() && r.Num("pid") == host.Pid);
    }

    [Fact]
    public void Connect_accept_and_close_in_a_container_are_attributed()
    {
        Requires.Root();
        using var site = DockerSite.Start();
        using var session = RunningGadget.StartWithContainers(new TcpGadget(), new ContainerSelector { ContainerName = site.Container.Name });
        using var unfiltered = RunningGadget.Start(new TcpGadget());
        using var listener = SocketsProcess.Start(site, "listen", "4", "127.0.0.1", "0", "accept=2");
        var port = listener.Next("listening").Int("port");
        // The same on the host: seen without -c, kept out with it.
        using var hostListener = SocketsProcess.Start(Site.Host, "listen", "4", "127.0.0.1", "0", "accept=1");
        var hostClient = SocketsProcess.Run(Site.Host, "connect", "4", "127.0.0.1", Text(hostListener.Next("listening").Int("port")));
        hostListener.WaitForExit();

        using var client = SocketsProcess.Start(site, "connect", "4", "127.0.0.1", Text(port));
        client.Next("connect");
        client.WaitForExit();
        // Killed while connected: its close happens after it left the container's namespaces.
        using var killed = SocketsProcess.Start(site, "connect", "4", "127.0.0.1", Text(port), "die");
        killed.Next("connect");
        killed.WaitForExit();
        listener.WaitForExit();

        // The connect is sent from the answer's context (softirq): the container comes from the map.
        AssertInContainer(session.WaitFor(e => e.Str("operation") == "connect" && e.Num("pid") == client.Pid, "for the connect"), site, session, client);
        AssertInContainer(session.WaitFor(e => e.Str("operation") == "accept" && e.Num("pid") == listener.Pid, "for the accept"), site, session, listener);
        AssertInContainer(session.WaitFor(e => e.Str("operation") == "close" && e.Num("pid") == client.Pid, "for the close"), site, session, client);
        AssertInContainer(session.WaitFor(e => e.Str("operation") == "close" && e.Num("pid") == killed.Pid, "for the close at exit"), site, session, killed);
        foreach (var operation in (string[])["connect", "close"])
            unfiltered.WaitFor(e => e.Str("operation") == operation && e.Num("pid") == hostClient.Pid, $"for the host's {operation}, unfiltered");
        unfiltered.WaitFor(e => e.Str("operation") == "accept" && e.Num("pid") == hostListener.Pid, "for the host's accept, unfiltered");
        session.Stop();
        Assert.DoesNotContain(session.Records, r => r.IsEvent() && (r.Num("pid") == hostClient.Pid || r.Num("pid") == hostListener.Pid));
        Assert.All(session.Records.Where(r => r.IsEvent()), r => Assert.Equal(site.Container.Name, r.Str("runtime", "containerName")));
    }

    [Fact]
    public void Connects_in_a_container_are_attributed_with_their_latency()
    {
        Requires.Root();
        using var site = DockerSite.Start();
        using var session = RunningGadget.StartWithContainers(new TcpconnectGadget(), new ContainerSelector { ContainerName = site.Container.Name }, ("latency", "true"));
        using var listener = SocketsProcess.Start(site, "listen", "6", "::1", "0");
        var port = listener.Next("listening").Int("port");
        using var hostListener = SocketsProcess.Start(Site.Host, "listen", "6", "::1", "0");
        var hostPort = hostListener.Next("listening").Int("port");

        var host = SocketsProcess.Run(Site.Host, "connect", "6", "::1", Text(hostPort));
        var inside = SocketsProcess.Run(site, "connect", "6", "::1", Text(port));
        listener.WaitForExit();
        hostListener.WaitForExit();

        var e = session.WaitFor(e => e.IsEvent() && e.Num("pid") == inside.Pid, "for the connect in the container");
        AssertInContainer(e, site, session, inside);
        Assert.Equal(inside.Single("connect").Int("port"), e.GetProperty("src").Num("port"));
        Assert.InRange(e.Num("latency"), 1, 1_000_000_000);
        session.Stop();
        Assert.DoesNotContain(session.Records, r => r.IsEvent() && r.Num("pid") == host.Pid);
    }
}
