namespace Gadget.Containers;

/// <summary>The name of this node, stamped on its pods: the host name, or what the agent is told (NODE_NAME).</summary>
public static class NodeName
{
    public static string Current { get; set; } = Environment.MachineName;
}
