using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Gadget.Agent.Server;
using Gadget.Agent.Tls;
using Gadget.Gadgets;
using Grpc.Net.Client;

namespace Gadget.Agent.Client;

/// <summary>An agent to run gadgets through (--remote): a unix socket, or TCP with mutual TLS
/// (this client's certificate and key, and the CA the agent's certificate must chain to). The
/// agent's certificate is checked against that CA only, not against its host name: agents are
/// reached under whatever local address a port-forward gives them.</summary>
public sealed record RemoteTarget(ListenAddress Address, string? TlsCertificate = null, string? TlsKey = null, string? TlsCa = null)
{
    public static RemoteTarget Parse(string address, string? certificate, string? key, string? ca)
    {
        var parsed = ListenAddress.Parse(address, "--remote");
        var given = new[] { certificate, key, ca }.Count(f => f is not null);
        if (given is > 0 and < 3)
            throw new GadgetException("mutual TLS needs all of --tls-cert, --tls-key and --tls-ca");
        if (given > 0 && parsed.IsUnix)
            throw new GadgetException("--tls-cert, --tls-key and --tls-ca are for --remote tcp://...; a unix socket needs none");
        return new RemoteTarget(parsed, certificate, key, ca);
    }

    public bool UsesTls => TlsCa is not null;

    /// <summary>The agent's certificate did not chain to --tls-ca (for the error line).</summary>
    internal bool ServerCertificateRejected { get; private set; }

    /// <summary>A channel to the agent; nothing is connected until the first call.</summary>
    internal GrpcChannel Open()
    {
        var handler = new SocketsHttpHandler
        {
            // Calls are long streams; no idle connection should be dropped under them.
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            EnableMultipleHttp2Connections = true,
        };
        string uri;
        if (Address.IsUnix)
        {
            var path = Address.SocketPath!;
            handler.ConnectCallback = async (_, cancellation) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellation).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
            uri = "http://localhost";
        }
        else if (UsesTls)
        {
            var authority = TrustedAuthority.Load(TlsCa!);
            var identity = TrustedAuthority.LoadIdentity(TlsCertificate!, TlsKey!);
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = new X509CertificateCollection { identity },
                RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                {
                    var trusted = certificate is X509Certificate2 presented && authority.Validates(presented, chain);
                    ServerCertificateRejected |= !trusted;
                    return trusted;
                },
            };
            uri = $"https://{Address.Endpoint}";
        }
        else
        {
            uri = $"http://{Address.Endpoint}";
        }
        return GrpcChannel.ForAddress(uri, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = null,
        });
    }

    public override string ToString() => Address.ToString();
}
