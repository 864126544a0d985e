using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Gadget.Agent.Tls;
using Gadget.Containers;
using Gadget.Gadgets;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;

namespace Gadget.Agent.Server;

/// <summary>`ig daemon`: the node agent. gRPC on Kestrel (HTTP/2) on unix sockets (root only)
/// and TCP with mutual TLS, the gRPC health service, and Prometheus metrics on their own plain
/// HTTP port. One container discovery serves every call; each run lives as long as its call.</summary>
public static class AgentHost
{
    private const string ServiceName = "ig.agent.v1.GadgetAgent";

    /// <summary>Serves until <paramref name="stop"/>; then stops every run (each sends what a
    /// stop produces) and returns once they have freed their kernel objects.</summary>
    public static void Run(AgentOptions options, CancellationToken stop)
    {
        var tls = LoadTls(options);
        foreach (var unix in options.Listen.Where(l => l.IsUnix))
            PrepareSocket(unix.SocketPath!);

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stop);
        using var state = new AgentState(ContainerDiscovery.Start(options.Discovery, options.Log, options.Verbose), options.Version, stopping.Token);
        var health = new HealthServiceImpl();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        if (tls is not null)
            builder.WebHost.UseKestrelHttpsConfiguration();
        builder.Services.AddLogging();
        builder.Services.AddRoutingCore();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = 1024 * 1024;
            // Frames (a snapshot of thousands of processes) are sent whole.
            grpc.MaxSendMessageSize = null;
        });
        builder.Services.AddSingleton(state);
        builder.Services.AddSingleton(health);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            foreach (var address in options.Listen)
            {
                if (address.IsUnix)
                    kestrel.ListenUnixSocket(address.SocketPath!, l => l.Protocols = HttpProtocols.Http2);
                else
                    kestrel.Listen(address.Endpoint!, l =>
                    {
                        l.Protocols = HttpProtocols.Http2;
                        if (tls is not null)
                            l.UseHttps(tls);
                    });
            }
            if (options.MetricsListen is { } metrics)
                kestrel.Listen(metrics, l => l.Protocols = HttpProtocols.Http1);
        });

        using var app = builder.Build();
        app.MapGrpcService<AgentService>();
        app.MapGrpcService<HealthServiceImpl>();
        if (options.MetricsListen is { } metricsEndpoint)
        {
            app.MapGet("/metrics", (RequestDelegate)(async context =>
            {
                context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await state.Metrics.WriteAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
            })).RequireHost($"*:{metricsEndpoint.Port}");
        }

        try
        {
            app.StartAsync(stop).GetAwaiter().GetResult();
        }
        catch (IOException e)
        {
            throw new GadgetException($"cannot listen: {e.Message}", e);
        }
        // Root only: whoever can connect can run gadgets as root.
        foreach (var unix in options.Listen.Where(l => l.IsUnix))
        {
            if (OperatingSystem.IsLinux())
                File.SetUnixFileMode(unix.SocketPath!, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        health.SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
        health.SetStatus(ServiceName, HealthCheckResponse.Types.ServingStatus.Serving);
        options.Log.WriteLine($"ig daemon: listening on {string.Join(", ", options.Listen.Select(l => Describe(l, tls is not null)))}" +
            (options.MetricsListen is { } m ? $"; metrics on http://{m}/metrics" : ""));
        options.Listening?.Invoke();

        stop.WaitHandle.WaitOne();
        health.SetStatus("", HealthCheckResponse.Types.ServingStatus.NotServing);
        health.SetStatus(ServiceName, HealthCheckResponse.Types.ServingStatus.NotServing);
        stopping.Cancel();
        app.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        foreach (var unix in options.Listen.Where(l => l.IsUnix))
            File.Delete(unix.SocketPath!);
    }

    private static string Describe(ListenAddress address, bool tls) =>
        address.IsUnix ? address.ToString() : tls ? $"{address} (mutual TLS)" : $"{address} (insecure: no TLS)";

    /// <summary>The TLS settings of TCP listeners: all three files, or none with --insecure.</summary>
    private static HttpsConnectionAdapterOptions? LoadTls(AgentOptions options)
    {
        var given = new[] { options.TlsCertificate, options.TlsKey, options.TlsCa }.Count(f => f is not null);
        if (given is > 0 and < 3)
            throw new GadgetException("mutual TLS needs all of --tls-cert, --tls-key and --tls-ca");
        var tcp = options.Listen.FirstOrDefault(l => !l.IsUnix);
        if (given == 0)
        {
            if (tcp is not null && !options.Insecure)
                throw new GadgetException($"--listen {tcp}: TCP needs mutual TLS (--tls-cert, --tls-key and --tls-ca), or --insecure to serve it without");
            return null;
        }
        var authority = TrustedAuthority.Load(options.TlsCa!);
        var identity = TrustedAuthority.LoadIdentity(options.TlsCertificate!, options.TlsKey!);
        return new HttpsConnectionAdapterOptions
        {
            ServerCertificate = identity,
            ClientCertificateMode = ClientCertificateMode.RequireCertificate,
            // Only the given CA counts, whatever the system trusts.
            ClientCertificateValidation = (certificate, chain, _) => authority.Validates(certificate, chain),
            CheckCertificateRevocation = false,
        };
    }

    /// <summary>The socket's directory exists (the default one root-only), and a socket file left
    /// by an agent that died is removed; one that an agent still listens on is an error.</summary>
    private static void PrepareSocket(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (path == ListenAddress.DefaultSocket && !Directory.Exists(directory) && OperatingSystem.IsLinux())
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (!Directory.Exists(directory))
            throw new GadgetException($"--listen unix://{path}: directory {directory} does not exist");
        if (!File.Exists(path))
            return;
        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
                throw new GadgetException($"--listen unix://{path}: another agent listens there");
            }
            catch (SocketException)
            {
                // Nobody listens: a leftover.
            }
        }
        File.Delete(path);
    }
}
