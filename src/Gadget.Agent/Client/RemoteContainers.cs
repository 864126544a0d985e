using Gadget.Agent.Protocol;
using Gadget.Agent.Wire;
using Gadget.Containers;
using Grpc.Core;

namespace Gadget.Agent.Client;

/// <summary>What happened to a container an agent lists.</summary>
public enum RemoteContainerChange
{
    Existing,
    Added,
    Removed,
    Updated,
}

/// <summary>`ig --remote ... list-containers`: the agent's containers, and with watch its changes
/// until <paramref name="stop"/>, each handed to the caller as a local listing would see it.</summary>
public static class RemoteContainers
{
    public static void List(RemoteTarget target, ContainerSelector selector, bool watch, Action listed, Action<RemoteContainerChange, ContainerInfo> changed, CancellationToken stop) =>
        ListAsync(target, selector, watch, listed, changed, stop).GetAwaiter().GetResult();

    private static async Task ListAsync(RemoteTarget target, ContainerSelector selector, bool watch, Action listed,
        Action<RemoteContainerChange, ContainerInfo> changed, CancellationToken stop)
    {
        using var channel = target.Open();
        var client = new GadgetAgent.GadgetAgentClient(channel);
        try
        {
            using var call = client.ListContainers(new ListContainersRequest { Selection = RemoteRun.Selection(selector), Watch = watch }, cancellationToken: stop);
            while (await call.ResponseStream.MoveNext(stop).ConfigureAwait(false))
            {
                var change = call.ResponseStream.Current;
                if (change.Kind == ContainerChange.Types.Kind.Listed)
                {
                    listed();
                    continue;
                }
                var kind = change.Kind switch
                {
                    ContainerChange.Types.Kind.Added => RemoteContainerChange.Added,
                    ContainerChange.Types.Kind.Removed => RemoteContainerChange.Removed,
                    ContainerChange.Types.Kind.Updated => RemoteContainerChange.Updated,
                    _ => RemoteContainerChange.Existing,
                };
                changed(kind, ContainerWire.FromMessage(change.Container));
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && stop.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (RpcException e)
        {
            throw AgentError.From(e, target);
        }
    }
}
