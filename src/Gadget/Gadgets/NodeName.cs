namespace Gadget.Gadgets;

/// <summary>The name of the node events come from: the host name, or what the agent was told.</summary>
public static class NodeName
{
    public static string Current { get; set; } = Environment.MachineName;
}
