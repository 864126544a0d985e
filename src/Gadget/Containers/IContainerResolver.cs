namespace Gadget.Containers;

/// <summary>Maps the mount namespace of an event to the container it came from.</summary>
public interface IContainerResolver
{
    /// <summary>The container with this mount namespace, or null for the host or an unknown one.</summary>
    ContainerInfo? Resolve(ulong mntnsId);
}
