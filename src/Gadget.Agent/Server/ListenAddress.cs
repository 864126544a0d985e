using System.Net;
using Gadget.Gadgets;

namespace Gadget.Agent.Server;

/// <summary>Where the agent listens (and where a client finds it): unix:///path or tcp://ADDR:PORT.</summary>
public sealed record ListenAddress(string? SocketPath, IPEndPoint? Endpoint)
{
    public const string DefaultSocket = "/run/ig/ig.sock";

    public static ListenAddress Default { get; } = new(DefaultSocket, null);

    public bool IsUnix => SocketPath is not null;

    /// <summary>Parses an address; <paramref name="flag"/> names the option in the error line.</summary>
    public static ListenAddress Parse(string text, string flag)
    {
        if (text.StartsWith("unix://", StringComparison.Ordinal))
        {
            var path = text["unix://".Length..];
            if (!path.StartsWith('/'))
                throw new GadgetException($"invalid {flag} \"{text}\": a unix socket needs an absolute path (unix:///run/ig/ig.sock)");
            return new ListenAddress(path, null);
        }
        if (text.StartsWith("tcp://", StringComparison.Ordinal))
        {
            var rest = text["tcp://".Length..];
            if (rest.StartsWith("localhost:", StringComparison.Ordinal))
                rest = "127.0.0.1" + rest["localhost".Length..];
            if (IPEndPoint.TryParse(rest, out var endpoint) && endpoint.Port > 0 && rest.Contains(':', StringComparison.Ordinal))
                return new ListenAddress(null, endpoint);
            throw new GadgetException($"invalid {flag} \"{text}\": expected tcp://ADDRESS:PORT with an IP address and a port");
        }
        throw new GadgetException($"invalid {flag} \"{text}\": expected unix:///PATH or tcp://ADDRESS:PORT");
    }

    public override string ToString() => IsUnix ? "unix://" + SocketPath : "tcp://" + Endpoint;
}
