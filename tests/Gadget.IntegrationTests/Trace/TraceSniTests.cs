using System.Globalization;
using System.Text.Json;
using Gadget.Containers;
using Gadget.Gadgets.Trace.Sni;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Trace;

/// <summary>trace sni against the real kernel: openssl s_client says hello to openssl s_server on
/// loopback, on the host or in a network namespace made for the test.</summary>
public sealed class TraceSniTests : OwningTest
{
    private readonly SelfSignedCertificate _certificate;

    public TraceSniTests() => _certificate = Own(new SelfSignedCertificate());

    /// <summary>openssl s_server on 127.0.0.1 of the namespace (a random port that is free).</summary>
    private (ProcessIdentity Server, int Port) StartServer(NetworkNamespace? ns)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = Random.Shared.Next(20000, 60000);
            var (process, identity) = TracedProcess.Start(ns, "openssl", "s_server", "-accept", $"127.0.0.1:{port}",
                "-cert", _certificate.CertificatePath, "-key", _certificate.KeyPath);
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

    /// <summary>openssl s_client run by docker exec in the container (see
    /// <see cref="StartTlsContainer"/>); its host pid and mount namespace, printed before it starts.</summary>
    private static ProcessIdentity HelloInContainer(DockerContainer container, int port, string serverName)
    {
        var result = Shell.TryRun("docker", "", TimeSpan.FromSeconds(60), "exec", "-i", container.Name, "sh", "-c",
            "echo \"igt-identity $$ $(stat -L -c %i /proc/self/ns/mnt)\"; exec \"$@\"", "sh",
            "openssl", "s_client", "-connect", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", "-servername", serverName);
        var identity = result.Output.Split('\n').FirstOrDefault(l => l.StartsWith("igt-identity ", StringComparison.Ordinal))?.Split(' ')
            ?? throw new InvalidOperationException($"s_client did not start in {container.Name}: {result.Error}");
        return new ProcessIdentity(int.Parse(identity[1], CultureInfo.InvariantCulture), ulong.Parse(identity[2], CultureInfo.InvariantCulture));
    }

    /// <summary>A busybox container that can run the host's openssl: busybox has no TLS client, so
    /// the host's /usr, its libraries (where the dynamic loader looks: /lib, /lib64) and its TLS
    /// configuration are mounted read-only. Only its loopback; the host's pid namespace, so the
    /// pids processes print are the ones events carry.</summary>
    private DockerContainer StartTlsContainer() => Own(DockerContainer.Run(dockerOptions:
    [
        "--network", "none", "--pid", "host",
        "-v", "/usr:/usr:ro", "-v", "/usr/lib:/lib:ro", "-v", "/usr/lib64:/lib64:ro", "-v", "/etc/ssl:/etc/ssl:ro",
    ]));

    private static string UniqueName() => $"{Guid.NewGuid():N}"[..12] + ".sni.igtest";

    private static bool IsHello(JsonElement e, string name, int pid) => e.IsEvent() && e.Str("name") == name && e.Num("pid") == pid;

    [Fact]
    public void A_client_hello_on_host_loopback_is_reported_for_client_and_server()
    {
        Requires.Root();
        var (server, port) = StartServer(null);
        var session = Own(RunningGadget.Start(new SniGadget()));
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

    /// <summary>Hellos larger than a segment: a post-quantum one cut where MTU 1500 cuts (1448
    /// bytes, the name in the second segment), and one past 2 KB in three segments.</summary>
    [Theory]
    [InlineData(1700, "1448")]
    [InlineData(3000, "1448,1448")]
    public void A_client_hello_split_over_segments_is_gathered_in_the_kernel(int padding, string chunks)
    {
        Requires.Root();
        var (server, port) = StartServer(null);
        var session = Own(RunningGadget.Start(new SniGadget()));
        var name = UniqueName();

        var (client, output) = TracedProcess.Run(null, Helpers.TlsHello,
            port.ToString(CultureInfo.InvariantCulture), name, padding.ToString(CultureInfo.InvariantCulture), chunks);

        Assert.StartsWith("sent ", output);
        var sent = session.WaitFor(e => IsHello(e, name, client.Pid), "for the client's hello");
        Assert.Equal("tlshello", sent.Str("comm"));
        session.WaitFor(e => IsHello(e, name, server.Pid), "for the hello the server received");
    }

    [Fact]
    public void A_client_hello_in_a_network_namespace_carries_that_namespace()
    {
        Requires.Root();
        var ns = Own(NetworkNamespace.Create("igtn"));
        var (_, port) = StartServer(ns);
        var session = Own(RunningGadget.Start(new SniGadget()));
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
        var session = Own(RunningGadget.Start(new SniGadget()));
        var name = UniqueName();

        var anonymous = Hello(null, port, null);
        var named = Hello(null, port, name);

        session.WaitFor(e => IsHello(e, name, named.Pid), "for the named hello");
        session.Stop();
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

    [Fact]
    public void A_client_hello_from_a_docker_container_is_attributed_to_the_container_and_filtered_by_it()
    {
        Requires.Root();
        var container = StartTlsContainer();
        // The server is a host process in the container's network namespace.
        var containerNs = NetworkNamespace.OfProcess(container.Pid);
        var (server, port) = StartServer(containerNs);
        var session = Own(RunningGadget.StartWithContainers(new SniGadget(), new ContainerSelector { ContainerName = container.Name }));
        var unfiltered = Own(RunningGadget.Start(new SniGadget()));
        var name = UniqueName();
        var hostName = UniqueName();

        var client = HelloInContainer(container, port, name);
        // Same network namespace, the host's mount namespace: not the container's.
        var host = Hello(containerNs, port, hostName);

        var sent = session.WaitFor(e => IsHello(e, name, client.Pid), "for the container's hello");
        Assert.Equal("openssl", sent.Str("comm"));
        Assert.Equal(client.Pid, sent.Num("tid"));
        Assert.Equal(container.Name, sent.Str("runtime", "containerName"));
        Assert.Equal(container.Id, sent.Str("runtime", "containerId"));
        var mntns = session.Containers!.FindById(container.Id)!.MntnsId;
        Assert.Equal(mntns, client.MountNamespace);
        Assert.Equal((long)mntns, sent.Num("mountnsid"));
        Assert.Equal((long)containerNs.Inode, sent.Num("netnsid"));
        // Without -c the host's hello and the server's side are seen; with it, kept out in the kernel.
        unfiltered.WaitFor(e => IsHello(e, hostName, host.Pid), "for the host's hello, unfiltered");
        unfiltered.WaitFor(e => IsHello(e, name, server.Pid), "for the hello the server received, unfiltered");
        session.Stop();
        Assert.DoesNotContain(session.Records, e => e.Str("name") == hostName);
        Assert.DoesNotContain(session.Records, e => e.Num("pid") == server.Pid);
        Assert.All(session.Records.Where(e => e.IsEvent()), e => Assert.Equal(container.Name, e.Str("runtime", "containerName")));
    }
}
