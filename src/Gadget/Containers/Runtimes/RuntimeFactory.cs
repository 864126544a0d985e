using Gadget.Containers.Runtimes.Docker;

namespace Gadget.Containers.Runtimes;

/// <summary>The runtime clients the options ask for.</summary>
internal static class RuntimeFactory
{
    public static IEnumerable<IContainerRuntime> Create(DiscoveryOptions options)
    {
        if (options.Uses(DiscoveryOptions.Docker))
            yield return new DockerRuntime(options.DockerSocket);
    }
}
