using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>A real `ig daemon` started by a test: the published binary on a unix socket of its
/// own in a temp directory (and whatever else the test asks for), stopped with SIGTERM (or
/// killed) on dispose, its log kept for failure messages.</summary>
internal sealed class AgentProcess : IDisposable
{
    private readonly IgProcess _process;
    private readonly string _directory;

    private AgentProcess(IgProcess process, string directory, string socket, int? metricsPort)
    {
        _process = process;
        _directory = directory;
        Socket = socket;
        MetricsPort = metricsPort;
    }

    public string Socket { get; }

    /// <summary>The --remote address of the socket.</summary>
    public string Address => "unix://" + Socket;

    public int? MetricsPort { get; }

    public int Pid => _process.Pid;

    public string Log => _process.ErrorText;

    /// <summary>Starts an agent on its own socket; <paramref name="extra"/> adds options (more
    /// --listen, TLS files); with <paramref name="metrics"/>, metrics on a free loopback port.</summary>
    public static AgentProcess Start(bool metrics = false, params string[] extra)
    {
        var directory = Paths.NewTempDirectory();
        var socket = Path.Combine(directory, "ig.sock");
        var args = new List<string> { "daemon", "--listen", "unix://" + socket };
        int? port = null;
        if (metrics)
        {
            port = FreePort();
            args.AddRange(["--metrics-listen", $"127.0.0.1:{port}"]);
        }
        args.AddRange(extra);
        var process = IgProcess.Start([.. args]);
        var agent = new AgentProcess(process, directory, socket, port);
        try
        {
            Poll.Until(() => process.ErrorText.Contains("ig daemon: listening", StringComparison.Ordinal) || process.HasExited,
                "the agent to listen", TimeSpan.FromSeconds(20));
            if (process.HasExited)
                throw new InvalidOperationException($"the agent exited: {process.ErrorText}");
            agent._idle = agent.SteadyHoldings();
        }
        catch
        {
            agent.Dispose();
            throw;
        }
        return agent;
    }

    /// <summary>A TCP port on loopback that nothing listens on now.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    // What the agent holds with no run: its container discovery's runc watcher.
    private (List<int> Programs, List<int> Maps) _idle = ([], []);

    /// <summary>Program and map ids that the agent's runs hold: what the agent process holds
    /// (read from /proc, as bpftool does) less what it held idle, once started.</summary>
    public (List<int> Programs, List<int> Maps) Held() =>
        (KernelObjects.HeldBy(Pid).Except(_idle.Programs).ToList(), KernelObjects.MapsHeldBy(Pid).Except(_idle.Maps).ToList());

    /// <summary>What the idle agent holds, read until two reads agree: discovery attaches its
    /// watcher while the agent starts listening.</summary>
    private (List<int> Programs, List<int> Maps) SteadyHoldings()
    {
        var last = (Programs: KernelObjects.HeldBy(Pid), Maps: KernelObjects.MapsHeldBy(Pid));
        for (var i = 0; i < 50; i++)
        {
            Thread.Sleep(200);
            var now = (Programs: KernelObjects.HeldBy(Pid), Maps: KernelObjects.MapsHeldBy(Pid));
            if (now.Programs.Order().SequenceEqual(last.Programs.Order()) && now.Maps.Order().SequenceEqual(last.Maps.Order()))
                return now;
            last = now;
        }
        throw new InvalidOperationException("the idle agent's kernel objects did not settle");
    }

    public string Metrics()
    {
        using var http = new HttpClient();
        return http.GetStringAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{MetricsPort}/metrics"))).GetAwaiter().GetResult();
    }

    /// <summary>SIGTERM, then the exit code.</summary>
    public int Stop()
    {
        _process.Signal("TERM");
        return _process.WaitForExit(TimeSpan.FromSeconds(20));
    }

    public void Dispose()
    {
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
