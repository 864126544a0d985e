using System.Net;
using System.Text;
using Grpc.Core;

namespace Gadget.Tests.Containers;

/// <summary>Test double of a runtime's gRPC API: answers unary calls by request type. A test
/// double is needed where the real runtime cannot be made to show a state deterministically
/// (a container removed between the listing and the question about it).</summary>
internal sealed class FakeGrpcApi : CallInvoker
{
    private readonly Dictionary<Type, Func<object, object>> _answers = [];

    public FakeGrpcApi Answer<TRequest, TResponse>(Func<TRequest, TResponse> answer) where TResponse : class
    {
        _answers[typeof(TRequest)] = request => answer((TRequest)request);
        return this;
    }

    public static RpcException NotFound(string what) => new(new Status(StatusCode.NotFound, what + " not found"));

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        Task<TResponse> response;
        try
        {
            response = _answers.TryGetValue(typeof(TRequest), out var answer)
                ? Task.FromResult((TResponse)answer(request))
                : throw new RpcException(new Status(StatusCode.Unimplemented, $"unknown method {method.FullName}"));
        }
        catch (RpcException e)
        {
            response = Task.FromException<TResponse>(e);
        }
        return new AsyncUnaryCall<TResponse>(response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    /// <summary>An event stream that stays open and quiet, as an idle containerd's does (a
    /// stream that fails would be a runtime gone, which discovery warns about).</summary>
    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        new(new QuietStream<TResponse>(options.CancellationToken), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });

    private sealed class QuietStream<T>(CancellationToken cancellation) : IAsyncStreamReader<T>
    {
        public T Current => throw new InvalidOperationException("no events");

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellation, cancellationToken);
            await Task.Delay(Timeout.Infinite, both.Token).ConfigureAwait(false);
            return false;
        }
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();
}

/// <summary>Test double of the Docker Engine API: JSON bodies by request path, 404 for the rest.</summary>
internal sealed class FakeDockerApi(Dictionary<string, string> answers) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        var response = answers.TryGetValue(path, out var body)
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") }
            : new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("{\"message\":\"No such container\"}") };
        return Task.FromResult(response);
    }
}
