using Gadget.Gadgets;
using Grpc.Core;

namespace Gadget.Agent.Client;

/// <summary>An agent's refusal or an unreachable agent, as the one error line the CLI prints.</summary>
internal static class AgentError
{
    public static GadgetException From(RpcException e, RemoteTarget target) => e.StatusCode switch
    {
        // The node's own one-line error (a bad parameter, a missing kernel feature): as locally.
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.NotFound => new GadgetException(e.Status.Detail, e),
        StatusCode.Unavailable => new GadgetException($"cannot reach the agent at {target}: {Reason(e)}", e),
        _ => new GadgetException($"the agent at {target} failed: {Reason(e)}", e),
    };

    private static string Reason(RpcException e)
    {
        // The innermost cause says it best ("Connection refused", "certificate rejected").
        var inner = e.Status.DebugException;
        while (inner?.InnerException is not null)
            inner = inner.InnerException;
        var detail = inner?.Message ?? e.Status.Detail;
        return string.IsNullOrEmpty(detail) ? e.StatusCode.ToString() : detail;
    }
}
