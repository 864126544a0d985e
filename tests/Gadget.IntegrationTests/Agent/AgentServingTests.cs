using System.Diagnostics;
using Gadget.Agent.Client;
using Gadget.Agent.Protocol;
using Gadget.Agent.Server;
using Gadget.IntegrationTests.Infrastructure;
using Grpc.Core;
using Grpc.Health.V1;

namespace Gadget.IntegrationTests.Agent;

/// <summary>A real `ig daemon` serving several clients: runs at once, a client killed or
/// cancelling frees only its own run and at once, mutual TLS refuses strangers, TCP needs TLS,
/// and the health and metrics endpoints answer.</summary>
public sealed class AgentServingTests : OwningTest
{
    private static IgProcess Remote(AgentProcess agent, params string[] command) => IgProcess.Start(["--remote", agent.Address, .. command]);

    private static string ExecMarker(DockerContainer container, params IgProcess[] clients)
    {
        var marker = Paths.UniqueName("m");
        container.Exec("/bin/echo", marker);
        foreach (var client in clients)
            client.WaitForLine(l => l.Contains(marker, StringComparison.Ordinal), "with the container's exec");
        return marker;
    }

    [Fact]
    public void Two_clients_at_once_each_get_every_event()
    {
        Requires.Root();
        var agent = Own(AgentProcess.Start());
        var container = Own(DockerContainer.Run());
        using var first = Remote(agent, "trace", "exec", "-c", container.Name);
        using var second = Remote(agent, "trace", "exec", "-c", container.Name, "-o", "json");
        first.WaitForLine(l => l.Contains("PCOMM", StringComparison.Ordinal), "with the header");
        Poll.Until(() => agent.Held().Programs.Count >= 2, "both runs to attach");

        ExecMarker(container, first, second);
        ExecMarker(container, first, second);

        first.Signal("INT");
        second.Signal("INT");
        Assert.Equal(0, first.WaitForExit());
        Assert.Equal(0, second.WaitForExit());
        Assert.Equal("ig: 2 events, 0 lost", first.ErrorText.Trim());
        Assert.Equal("ig: 2 events, 0 lost", second.ErrorText.Trim());
    }

    [Fact]
    public void A_client_killed_mid_run_frees_its_run_while_another_goes_on()
    {
        Requires.Root();
        var agent = Own(AgentProcess.Start(metrics: true));
        var container = Own(DockerContainer.Run());
        using var survivor = Remote(agent, "trace", "exec", "-c", container.Name);
        survivor.WaitForLine(l => l.Contains("PCOMM", StringComparison.Ordinal), "with the header");
        var survivorHeld = agent.Held();
        Assert.NotEmpty(survivorHeld.Programs);

        using var victim = Remote(agent, "trace", "open", "--host");
        Poll.Until(() => agent.Held().Programs.Count > survivorHeld.Programs.Count, "the second run to attach");
        Assert.Contains("ig_agent_runs_active 2", agent.Metrics());
        Shell.Run("kill", "-KILL", victim.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Freed as soon as the agent sees the connection go: what is left is the survivor's, exactly.
        Poll.Until(() => agent.Held() is var held && held.Programs.Order().SequenceEqual(survivorHeld.Programs.Order()) &&
            held.Maps.Order().SequenceEqual(survivorHeld.Maps.Order()), "the killed client's run to be freed", TimeSpan.FromSeconds(5));
        Assert.Contains("ig_agent_runs_active 1", agent.Metrics());
        ExecMarker(container, survivor);

        survivor.Signal("INT");
        Assert.Equal(0, survivor.WaitForExit());
        // A stopped run is freed before its client is told it ended.
        Assert.Equal((0, 0), (agent.Held().Programs.Count, agent.Held().Maps.Count));
        Assert.Equal("ig: 1 event, 0 lost", survivor.ErrorText.Trim());
    }

    [Fact]
    public async Task Cancelling_the_call_frees_the_run_at_once()
    {
        Requires.Root();
        var agent = Own(AgentProcess.Start());
        using var channel = new RemoteTarget(ListenAddress.Parse(agent.Address, "--remote")).Open();
        var client = new GadgetAgent.GadgetAgentClient(channel);
        using var cancel = new CancellationTokenSource();
        using var call = client.RunGadget(cancellationToken: cancel.Token);
        await call.RequestStream.WriteAsync(new RunRequest { Start = new StartRun { Category = "trace", Name = "open", Selection = new ContainerSelection { IncludeHost = true } } },
            TestContext.Current.CancellationToken);
        Assert.True(await call.ResponseStream.MoveNext(TestContext.Current.CancellationToken));
        Assert.Equal(RunReply.ReplyOneofCase.Started, call.ResponseStream.Current.ReplyCase);
        Assert.NotEmpty(agent.Held().Programs);

        var clock = Stopwatch.StartNew();
        cancel.Cancel();
        Poll.Until(() => agent.Held() is { Programs.Count: 0, Maps.Count: 0 }, "the cancelled run to be freed", TimeSpan.FromSeconds(2));

        // The batch latency (50 ms) and the teardown, not a grace period.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"freed {clock.Elapsed.TotalMilliseconds:F0} ms after the cancel");
    }

    [Fact]
    public void Mutual_tls_serves_a_client_of_its_ca_and_refuses_one_of_another()
    {
        Requires.Root();
        var pki = Own(new TestCertificates());
        var port = AgentProcess.FreePort();
        var agent = Own(AgentProcess.Start(false, "--listen", $"tcp://127.0.0.1:{port}",
            "--tls-cert", pki.ServerCertificate, "--tls-key", pki.ServerKey, "--tls-ca", pki.Ca));
        var container = Own(DockerContainer.Run());
        string[] remote = ["--remote", $"tcp://127.0.0.1:{port}"];

        var good = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(30),
            [.. remote, "--tls-cert", pki.ClientCertificate, "--tls-key", pki.ClientKey, "--tls-ca", pki.Ca, "list-containers", "-c", container.Name]);
        var stranger = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(30),
            [.. remote, "--tls-cert", pki.StrangerCertificate, "--tls-key", pki.StrangerKey, "--tls-ca", pki.Ca, "list-containers"]);
        var distrustful = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(30),
            [.. remote, "--tls-cert", pki.ClientCertificate, "--tls-key", pki.ClientKey, "--tls-ca", pki.OtherCa, "list-containers"]);
        var plain = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(30), [.. remote, "list-containers"]);

        Assert.True(good.ExitCode == 0, good.Error);
        Assert.Contains(container.Name, good.Output);
        foreach (var refused in new[] { stranger, distrustful, plain })
        {
            Assert.Equal(1, refused.ExitCode);
            Assert.StartsWith($"Error: cannot reach the agent at tcp://127.0.0.1:{port}: ", Assert.Single(refused.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
            Assert.Empty(refused.Output);
        }

        // A gadget over mutual TLS, end to end.
        using var ig = IgProcess.Start([.. remote, "--tls-cert", pki.ClientCertificate, "--tls-key", pki.ClientKey, "--tls-ca", pki.Ca, "trace", "exec", "-c", container.Name]);
        ig.WaitForLine(l => l.Contains("PCOMM", StringComparison.Ordinal), "with the header");
        var marker = ExecMarker(container, ig);
        Assert.StartsWith(container.Name, ig.Lines.First(l => l.Contains(marker, StringComparison.Ordinal)));
    }

    [Fact]
    public void Tcp_without_tls_is_refused_unless_insecure()
    {
        Requires.Root();
        var port = AgentProcess.FreePort();
        var dir = OwnTempDirectory();

        var refused = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(30), "daemon", "--listen", $"tcp://127.0.0.1:{port}");

        Assert.Equal(1, refused.ExitCode);
        Assert.Equal($"Error: --listen tcp://127.0.0.1:{port}: TCP needs mutual TLS (--tls-cert, --tls-key and --tls-ca), or --insecure to serve it without",
            refused.Error.Trim());
        var agent = Own(AgentProcess.Start(false, "--listen", $"tcp://127.0.0.1:{port}", "--insecure"));
        var listed = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(30), "--remote", $"tcp://127.0.0.1:{port}", "list-containers");
        Assert.True(listed.ExitCode == 0, listed.Error);
        Assert.StartsWith("RUNTIME", listed.Output);
        Assert.True(Directory.Exists(dir));
        Assert.Contains("(insecure: no TLS)", agent.Log);
    }

    [Fact]
    public void The_socket_is_root_only_and_health_answers_serving()
    {
        Requires.Root();
        var agent = Own(AgentProcess.Start());

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(agent.Socket));
        using var channel = new RemoteTarget(ListenAddress.Parse(agent.Address, "--remote")).Open();
        var health = new Health.HealthClient(channel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Check(new HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken).Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Check(new HealthCheckRequest { Service = "ig.agent.v1.GadgetAgent" }, cancellationToken: TestContext.Current.CancellationToken).Status);
        var unknown = Assert.Throws<RpcException>(() => health.Check(new HealthCheckRequest { Service = "nothing" }, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        var version = new GadgetAgent.GadgetAgentClient(channel).GetVersion(new VersionRequest(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(Shell.Run(Paths.IgBinary, "version").Trim(), "v" + version.Version);

        Assert.Equal(0, agent.Stop());
        Assert.False(File.Exists(agent.Socket));
    }

    [Fact]
    public void The_metrics_page_has_runs_events_lost_containers_and_memory()
    {
        Requires.Root();
        var agent = Own(AgentProcess.Start(metrics: true));
        var container = Own(DockerContainer.Run());
        using var ig = Remote(agent, "trace", "exec", "-c", container.Name);
        ig.WaitForLine(l => l.Contains("PCOMM", StringComparison.Ordinal), "with the header");
        ExecMarker(container, ig);
        ExecMarker(container, ig);

        var page = agent.Metrics();

        Assert.Contains("# TYPE ig_agent_runs_active gauge", page);
        Assert.Contains("\nig_agent_runs_active 1\n", page);
        Assert.Contains("\nig_agent_events_total{gadget=\"trace exec\"} 2\n", page);
        Assert.Contains("\nig_agent_lost_events_total{gadget=\"trace exec\"} 0\n", page);
        var containers = page.Split('\n').Single(l => l.StartsWith("ig_agent_containers ", StringComparison.Ordinal));
        Assert.True(long.Parse(containers.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) >= 1, containers);
        var rss = page.Split('\n').Single(l => l.StartsWith("process_resident_memory_bytes ", StringComparison.Ordinal));
        var bytes = double.Parse(rss.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var statusRss = File.ReadAllLines($"/proc/{agent.Pid}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        Assert.InRange(bytes, 1e6, 1e9);
        Assert.NotEmpty(statusRss);
    }
}
