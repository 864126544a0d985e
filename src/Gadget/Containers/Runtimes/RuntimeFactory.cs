using Gadget.Containers.Runtimes.Containerd;
using Gadget.Containers.Runtimes.Docker;

namespace Gadget.Containers.Runtimes;

/// <summary>The runtime clients the options ask for.</summary>
internal static class RuntimeFactory
{
    public static IEnumerable<IContainerRuntime> Create(DiscoveryOptions options, TextWriter? warnings = null)
    {
        var docker = options.Uses(DiscoveryOptions.Docker);
        if (docker)
            yield return new DockerRuntime(options.DockerSocket, warnings: warnings);
        if (options.Uses(DiscoveryOptions.Containerd))
        {
            // One channel for both APIs; the native one disposes it.
            var channel = new ContainerdChannel(options.ContainerdSocket);
            yield return new CriRuntime(channel);
            // k8s.io is the CRI's; moby is Docker's when Docker is asked directly.
            yield return new ContainerdRuntime(channel, docker ? ["k8s.io", "moby"] : ["k8s.io"], ownsChannel: true);
        }
    }
}
