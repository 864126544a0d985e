using System.Threading.Channels;
using Gadget.Agent.Protocol;
using Gadget.Agent.Wire;
using Gadget.Containers;
using Grpc.Core;

namespace Gadget.Agent.Server;

/// <summary>One ListContainers call: the selected containers the node knows, then LISTED, then
/// (watch) every change as the node's discovery sees it, until the client cancels.</summary>
internal static class ContainerListCall
{
    public static async Task Run(ContainerDiscovery discovery, ListContainersRequest request, IServerStreamWriter<ContainerChange> responses, ServerCallContext context)
    {
        var selector = RunCall.Selection(request.Selection);
        await discovery.Ready.WaitAsync(context.CancellationToken).ConfigureAwait(false);
        var changes = Channel.CreateUnbounded<ContainerChange>(new UnboundedChannelOptions { SingleReader = true });
        var gate = new Lock();
        // Containers sent so far (by mount namespace): as `ig list-containers --watch` does, a
        // container that matches only once its runtime has described it is sent then.
        var shown = new HashSet<ulong>();

        void Send(ContainerChange.Types.Kind kind, ContainerInfo container) =>
            changes.Writer.TryWrite(new ContainerChange { Kind = kind, Container = ContainerWire.ToMessage(container, 0) });

        void OnChanged(ContainerInfo container, bool added)
        {
            lock (gate)
            {
                if (added ? selector.Matches(container) && shown.Add(container.MntnsId) : shown.Remove(container.MntnsId))
                    Send(added ? ContainerChange.Types.Kind.Added : ContainerChange.Types.Kind.Removed, container);
            }
        }

        void OnUpdated(ContainerInfo container)
        {
            lock (gate)
            {
                if (shown.Contains(container.MntnsId))
                    Send(ContainerChange.Types.Kind.Updated, container);
                else if (selector.Matches(container) && shown.Add(container.MntnsId))
                    Send(ContainerChange.Types.Kind.Added, container);
            }
        }

        lock (gate)
        {
            if (request.Watch)
            {
                discovery.Collection.Changed += OnChanged;
                discovery.Collection.Updated += OnUpdated;
            }
            foreach (var container in discovery.Collection.Snapshot().Where(selector.Matches))
            {
                if (shown.Add(container.MntnsId))
                    Send(ContainerChange.Types.Kind.Existing, container);
            }
            changes.Writer.TryWrite(new ContainerChange { Kind = ContainerChange.Types.Kind.Listed });
            if (!request.Watch)
                changes.Writer.TryComplete();
        }
        try
        {
            await foreach (var change in changes.Reader.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
                await responses.WriteAsync(change, context.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client stopped watching.
        }
        finally
        {
            discovery.Collection.Changed -= OnChanged;
            discovery.Collection.Updated -= OnUpdated;
        }
    }
}
