using Gadget.Gadgets;
using Grpc.Core;

namespace Gadget.Agent.Client;

/// <summary>An agent's refusal or an unreachable agent, as the one error line the CLI prints.</summary>
internal static class AgentError
{
    public static GadgetException From(RpcException e, RemoteTarget target)
    {
        if (e.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.NotFound)
            return new GadgetException(e.Status.Detail, e);
        var reason = Reason(e);
        if (target.ServerCertificateRejected)
            return new GadgetException($"cannot reach the agent at {target}: its certificate does not chain to --tls-ca {target.TlsCa}", e);
        // The agent ended the connection before answering: a TLS agent does that to a client
        // whose certificate it refuses, or to one that speaks no TLS.
        if (ConnectionEnded(e.Status.DebugException) || reason.Contains("ResponseEnded", StringComparison.Ordinal))
        {
            return new GadgetException(target.UsesTls
                ? $"cannot reach the agent at {target}: it closed the connection (is --tls-cert signed by the CA the agent trusts?)"
                : $"cannot reach the agent at {target}: it closed the connection (an agent with TLS needs --tls-cert, --tls-key and --tls-ca)", e);
        }
        return e.StatusCode == StatusCode.Unavailable || e.Status.DebugException is HttpRequestException or IOException
            ? new GadgetException($"cannot reach the agent at {target}: {reason}", e)
            : new GadgetException($"the agent at {target} failed: {reason}", e);
    }

    /// <summary>The peer ended the connection mid-handshake or before answering: the HTTP/2
    /// layer saw the response end, or TLS gave up on a stream the peer closed.</summary>
    private static bool ConnectionEnded(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse }
                or HttpProtocolException
                or ObjectDisposedException { ObjectName: "System.Net.Security.SslStream" }
                or System.Security.Authentication.AuthenticationException)
                return true;
        }
        return false;
    }

    private static string Reason(RpcException e)
    {
        // The innermost cause says it best ("Connection refused"); its first line only, as the
        // CLI prints one error line.
        var inner = e.Status.DebugException;
        while (inner?.InnerException is not null)
            inner = inner.InnerException;
        var detail = (inner?.Message ?? e.Status.Detail).Split('\n')[0].Trim();
        return string.IsNullOrEmpty(detail) ? e.StatusCode.ToString() : detail;
    }
}
