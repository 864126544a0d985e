using System.Globalization;
using Gadget.Containers.Cri.V1;
using Gadget.Containers.Runtimes;
using Gadget.Containers.Runtimes.Containerd;
using Grpc.Net.Client;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>Removes what an earlier, interrupted test run left behind (a killed test process
/// cannot dispose its pods and containers): CRI pods in the test namespaces, igt-* Docker
/// containers and igt-c* containerd containers (<see cref="CtrContainer"/>), older than <see cref="MinimumAge"/> so that a run in progress elsewhere on the
/// machine keeps its own.</summary>
public sealed class StaleTestObjects
{
    private static readonly TimeSpan MinimumAge = TimeSpan.FromMinutes(15);

    public StaleTestObjects()
    {
        if (!Gadget.Native.Privileges.IsRoot || !File.Exists("/run/containerd/containerd.sock"))
            return;
        try
        {
            RemoveStalePods();
            RemoveStaleDockerContainers();
            RemoveStaleCtrContainers();
        }
        catch (Exception e) when (e is Grpc.Core.RpcException or InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            // Clean-up is best effort: the tests themselves still check what they need.
        }
    }

    private static void RemoveStalePods()
    {
        using var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = UnixSocketHttp.Handler("/run/containerd/containerd.sock") });
        var client = new RuntimeService.RuntimeServiceClient(channel);
        var cutoff = DateTimeOffset.UtcNow - MinimumAge;
        foreach (var pod in client.ListPodSandbox(new ListPodSandboxRequest()).Items)
        {
            var created = DateTimeOffset.FromUnixTimeMilliseconds(pod.CreatedAt / 1_000_000);
            if (!pod.Metadata.Namespace.StartsWith("igtest", StringComparison.Ordinal) || created > cutoff)
                continue;
            client.StopPodSandbox(new StopPodSandboxRequest { PodSandboxId = pod.Id });
            client.RemovePodSandbox(new RemovePodSandboxRequest { PodSandboxId = pod.Id });
        }
    }

    private static void RemoveStaleCtrContainers()
    {
        using var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = UnixSocketHttp.Handler("/run/containerd/containerd.sock") });
        var client = new Gadget.Containers.Containerd.ContainersV1.Containers.ContainersClient(channel);
        var cutoff = DateTimeOffset.UtcNow - MinimumAge;
        var containers = client.List(new Gadget.Containers.Containerd.ContainersV1.ListContainersRequest(), ContainerdChannel.InNamespace(CtrContainer.Namespace)).Containers;
        foreach (var container in containers)
        {
            if (container.Id.StartsWith("igt-c", StringComparison.Ordinal) && container.CreatedAt is { } created && created.ToDateTimeOffset() < cutoff)
                CtrContainer.Remove(container.Id);
        }
    }

    private static void RemoveStaleDockerContainers()
    {
        var result = Shell.TryRun("docker", null, TimeSpan.FromSeconds(30), "ps", "-a", "--filter", "name=^igt-", "--format", "{{.ID}} {{.CreatedAt}}");
        if (result.ExitCode != 0)
            return;
        foreach (var line in result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', 3);
            // "2026-11-25 05:02:11 +0000 UTC"
            if (parts.Length == 3 && DateTimeOffset.TryParse(parts[1] + " " + parts[2].Split(' ')[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created) &&
                created < DateTimeOffset.UtcNow - MinimumAge)
                Shell.TryRun("docker", null, TimeSpan.FromSeconds(30), "rm", "-f", parts[0]);
        }
    }
}
