namespace Gadget.Containers.Runtimes;

/// <summary>A runtime that can complete the description of a container runc is starting,
/// quickly and without waiting on the start itself (which is held meanwhile).</summary>
internal interface IEarlyDescriber
{
    bool Handles(ContainerInfo container);

    Task<ContainerInfo?> DescribeEarlyAsync(ContainerInfo container, CancellationToken cancellation);
}
