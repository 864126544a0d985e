using System.Net;
using Gadget.Containers;

namespace Gadget.Agent.Server;

/// <summary>How `ig daemon` serves: where it listens, its TLS identity and the CA its clients'
/// certificates must chain to, where metrics are served, and where containers are found.</summary>
public sealed record AgentOptions
{
    public IReadOnlyList<ListenAddress> Listen { get; init; } = [ListenAddress.Default];

    /// <summary>PEM files: the agent's certificate and key, and the CA of its clients (TCP only).</summary>
    public string? TlsCertificate { get; init; }
    public string? TlsKey { get; init; }
    public string? TlsCa { get; init; }

    /// <summary>Allows TCP without TLS (anyone who reaches the port can run gadgets as root).</summary>
    public bool Insecure { get; init; }

    /// <summary>Where Prometheus metrics are served over plain HTTP (/metrics); null for nowhere.</summary>
    public IPEndPoint? MetricsListen { get; init; }

    /// <summary>What GetVersion answers.</summary>
    public string Version { get; init; } = "0.0.0";

    public DiscoveryOptions Discovery { get; init; } = new();

    /// <summary>The agent's own messages (and discovery's warnings).</summary>
    public TextWriter Log { get; init; } = TextWriter.Null;

    public TextWriter? Verbose { get; init; }

    /// <summary>Called once the agent listens (tests and benchmarks wait for it).</summary>
    public Action? Listening { get; init; }
}
