using Gadget.Agent.Protocol;
using Gadget.Agent.Wire;
using Gadget.Containers;
using Gadget.Runtime;
using Grpc.Core;

namespace Gadget.Agent.Server;

/// <summary>The GadgetAgent service of agent.proto, over the agent's shared state.</summary>
internal sealed class AgentService(AgentState state) : GadgetAgent.GadgetAgentBase
{
    public override Task<VersionReply> GetVersion(VersionRequest request, ServerCallContext context) =>
        Task.FromResult(new VersionReply { Version = state.Version, Node = NodeName.Current, Kernel = KernelRelease() });

    public override Task<ListGadgetsReply> ListGadgets(ListGadgetsRequest request, ServerCallContext context)
    {
        var reply = new ListGadgetsReply();
        reply.Gadgets.AddRange(GadgetCatalog.All.Select(GadgetWire.ToMessage));
        return Task.FromResult(reply);
    }

    public override Task RunGadget(IAsyncStreamReader<RunRequest> requestStream, IServerStreamWriter<RunReply> responseStream, ServerCallContext context) =>
        RunCall.Run(state, requestStream, responseStream, context);

    public override Task ListContainers(ListContainersRequest request, IServerStreamWriter<ContainerChange> responseStream, ServerCallContext context) =>
        ContainerListCall.Run(state.Discovery, request, responseStream, context);

    private static string KernelRelease()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }
}
