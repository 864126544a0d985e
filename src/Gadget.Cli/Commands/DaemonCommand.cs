using System.CommandLine;
using System.Globalization;
using System.Net;
using Gadget.Agent.Server;
using Gadget.Cli.Handlers;
using Gadget.Containers;
using Gadget.Gadgets;
using Gadget.Runtime;

namespace Gadget.Cli.Commands;

/// <summary>`ig daemon`: this host as a node agent that clients (ig --remote, kubectl gadget)
/// run gadgets through, until SIGINT or SIGTERM.</summary>
internal static class DaemonCommand
{
    private static readonly Option<string[]> Listen = new("--listen")
    {
        Description = "Where to serve: unix:///PATH (root only) or tcp://ADDRESS:PORT (mutual TLS: --tls-cert, --tls-key, --tls-ca); repeatable",
        HelpName = "address",
        DefaultValueFactory = _ => ["unix://" + ListenAddress.DefaultSocket],
    };

    private static readonly Option<bool> Insecure = new("--insecure")
    {
        Description = "Allow --listen tcp://... without TLS: whoever reaches the port can run gadgets as root",
    };

    private static readonly Option<string> MetricsListen = new("--metrics-listen")
    {
        Description = "Serve Prometheus metrics over HTTP at ADDRESS:PORT (/metrics)",
        HelpName = "address:port",
    };

    public static Command Create(ICliConsole console)
    {
        var command = new Command("daemon", "Run as a node agent: serve gadget runs over gRPC to ig --remote and kubectl gadget");
        command.Options.Add(Listen);
        command.Options.Add(Insecure);
        command.Options.Add(MetricsListen);
        command.Options.Add(CommonOptions.DockerSocket);
        command.Options.Add(CommonOptions.ContainerdSocket);
        command.SetAction(result =>
        {
            var options = new AgentOptions
            {
                Listen = result.GetValue(Listen)!.Select(l => ListenAddress.Parse(l, "--listen")).ToList(),
                TlsCertificate = result.GetValue(RemoteOptions.TlsCertificate),
                TlsKey = result.GetValue(RemoteOptions.TlsKey),
                TlsCa = result.GetValue(RemoteOptions.TlsCa),
                Insecure = result.GetValue(Insecure),
                MetricsListen = result.GetValue(MetricsListen) is { } metrics ? ParseEndpoint(metrics) : null,
                Version = VersionCommand.Version,
                Discovery = new DiscoveryOptions
                {
                    DockerSocket = result.GetValue(CommonOptions.DockerSocket)!,
                    ContainerdSocket = result.GetValue(CommonOptions.ContainerdSocket)!,
                },
                Log = console.Error,
                Verbose = result.GetValue(CommonOptions.Verbose) ? console.Error : null,
            };
            if (result.GetValue(RemoteOptions.Remote) is not null)
                throw new GadgetException("ig daemon serves; it does not take --remote");
            Preflight.CheckRoot();
            if (Environment.GetEnvironmentVariable("NODE_NAME") is { Length: > 0 } node)
                NodeName.Current = node;
            using var stop = new StopSignals(null);
            AgentHost.Run(options, stop.Token);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>"127.0.0.1:9090", "[::1]:9090", "localhost:9090", or ":9090" for every address.</summary>
    private static IPEndPoint ParseEndpoint(string text)
    {
        var trimmed = text.StartsWith(':') ? "0.0.0.0" + text : text.StartsWith("localhost:", StringComparison.Ordinal) ? "127.0.0.1" + text["localhost".Length..] : text;
        if (IPEndPoint.TryParse(trimmed, out var endpoint) && endpoint.Port > 0 && trimmed.Contains(':', StringComparison.Ordinal))
            return endpoint;
        throw new GadgetException(string.Create(CultureInfo.InvariantCulture, $"invalid --metrics-listen \"{text}\": expected ADDRESS:PORT"));
    }
}
