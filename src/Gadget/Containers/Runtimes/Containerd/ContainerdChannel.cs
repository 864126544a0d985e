using Grpc.Core;
using Grpc.Net.Client;

namespace Gadget.Containers.Runtimes.Containerd;

/// <summary>One gRPC channel to containerd's socket, shared by its CRI and native clients.</summary>
internal sealed class ContainerdChannel : IDisposable
{
    public ContainerdChannel(string socket)
    {
        Socket = socket;
        Channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
        {
            HttpHandler = UnixSocketHttp.Handler(socket),
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        });
    }

    public string Socket { get; }

    public GrpcChannel Channel { get; }

    /// <summary>Native calls are scoped by this header.</summary>
    public static Metadata InNamespace(string ns) => new() { { "containerd-namespace", ns } };

    /// <summary>A call that could not reach containerd at all becomes "unavailable".</summary>
    public static bool IsUnreachable(RpcException e) =>
        e.StatusCode is StatusCode.Unavailable or StatusCode.Unimplemented or StatusCode.DeadlineExceeded;

    public void Dispose() => Channel.Dispose();
}
