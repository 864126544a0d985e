using System.Text.Json;
using Gadget.Containers.Cri.V1;
using Grpc.Core;

namespace Gadget.Containers.Runtimes.Containerd;

/// <summary>containerd's CRI plugin (namespace k8s.io): pods and their containers, as a
/// kubelet made them. Kubernetes names come from the CRI metadata, pod labels from the
/// sandbox. containerd 1.6 has no CRI event stream, so changes are polled; the runc watcher
/// sees starts earlier anyway.</summary>
internal sealed class CriRuntime : IContainerRuntime, IEarlyDescriber
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly ContainerdChannel _channel;
    private readonly RuntimeService.RuntimeServiceClient _client;

    /// <param name="invoker">Where calls go; the channel's by default (tests pass their own).</param>
    public CriRuntime(ContainerdChannel channel, CallInvoker? invoker = null)
    {
        _channel = channel;
        _client = new RuntimeService.RuntimeServiceClient(invoker ?? channel.Channel.CreateCallInvoker());
    }

    public string Name => DiscoveryOptions.Containerd;

    public string Endpoint => _channel.Socket + " (CRI)";

    public string Api => "CRI";

    public async Task<IReadOnlyList<ContainerInfo>> ListAsync(CancellationToken cancellation)
    {
        var (sandboxes, containers) = await ListRunningAsync(cancellation).ConfigureAwait(false);
        var result = new List<ContainerInfo>();
        var hostNetwork = new Dictionary<string, bool>();
        foreach (var container in containers)
        {
            if (sandboxes.TryGetValue(container.PodSandboxId, out var pod) &&
                await DescribeAsync(container, pod, hostNetwork, cancellation).ConfigureAwait(false) is { } described)
                result.Add(described);
        }
        return result;
    }

    /// <summary>Polls the listing, which is cheap, and asks for the status (a verbose one, with
    /// the whole OCI spec in it) only of containers it has not described yet: once a second for
    /// every container would cost containerd, and ig, for nothing.</summary>
    public async Task WatchAsync(ContainerCollection collection, CancellationToken cancellation)
    {
        var described = new HashSet<string>();
        var hostNetwork = new Dictionary<string, bool>();
        while (true)
        {
            var (sandboxes, containers) = await ListRunningAsync(cancellation).ConfigureAwait(false);
            var running = new HashSet<string>();
            foreach (var container in containers)
            {
                if (!sandboxes.TryGetValue(container.PodSandboxId, out var pod))
                    continue;
                running.Add(container.Id);
                if (described.Contains(container.Id))
                    continue;
                if (await DescribeAsync(container, pod, hostNetwork, cancellation).ConfigureAwait(false) is { } info)
                {
                    collection.AddOrUpdate(info);
                    described.Add(container.Id);
                }
            }
            foreach (var gone in described.Where(id => !running.Contains(id)).ToList())
            {
                collection.Remove(gone);
                described.Remove(gone);
            }
            foreach (var pod in hostNetwork.Keys.Where(id => !sandboxes.ContainsKey(id)).ToList())
                hostNetwork.Remove(pod);
            await Task.Delay(PollInterval, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>The ready pods by id, and the running containers.</summary>
    private async Task<(Dictionary<string, PodSandbox> Sandboxes, IReadOnlyList<Container> Containers)> ListRunningAsync(CancellationToken cancellation)
    {
        try
        {
            var pods = await _client.ListPodSandboxAsync(new ListPodSandboxRequest
            {
                Filter = new PodSandboxFilter { State = new PodSandboxStateValue { State = PodSandboxState.SandboxReady } },
            }, cancellationToken: cancellation).ConfigureAwait(false);
            var list = await _client.ListContainersAsync(new ListContainersRequest
            {
                Filter = new ContainerFilter { State = new ContainerStateValue { State = ContainerState.ContainerRunning } },
            }, cancellationToken: cancellation).ConfigureAwait(false);
            // Answers are not trusted: entries without an id or metadata are left out, and a
            // repeated id keeps its first entry.
            var sandboxes = new Dictionary<string, PodSandbox>();
            foreach (var pod in pods.Items)
            {
                if (pod.Id.Length > 0 && pod.Metadata is not null)
                    sandboxes.TryAdd(pod.Id, pod);
            }
            return (sandboxes, list.Containers.Where(c => c.Id.Length > 0 && c.Metadata is not null).ToList());
        }
        catch (RpcException e) when (ContainerdChannel.IsUnreachable(e))
        {
            throw new RuntimeUnavailableException($"containerd CRI at {_channel.Socket}: {e.Status.Detail}", e);
        }
    }

    /// <summary>A listed container with its status and its pod's network mode (asked once per
    /// pod, remembered in <paramref name="hostNetwork"/>); null when it stopped meanwhile.</summary>
    private async Task<ContainerInfo?> DescribeAsync(Container container, PodSandbox pod, Dictionary<string, bool> hostNetwork, CancellationToken cancellation)
    {
        try
        {
            var status = await StatusOfAsync(container.Id, cancellation).ConfigureAwait(false);
            if (!hostNetwork.TryGetValue(pod.Id, out var host))
                hostNetwork[pod.Id] = host = await IsHostNetworkAsync(pod.Id, cancellation).ConfigureAwait(false);
            // No pid (stopped meanwhile) or a pid already gone: Complete gives null.
            return ContainerProcess.Complete(Describe(container, pod, status, host));
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            // The container or its pod was removed between the listing and this question:
            // it is simply no longer running, not a sign that the runtime is unreachable.
            return null;
        }
    }

    public async Task<ContainerInfo?> InspectAsync(string id, CancellationToken cancellation)
    {
        var all = await ListAsync(cancellation).ConfigureAwait(false);
        return all.FirstOrDefault(c => c.Id == id);
    }

    public bool Handles(ContainerInfo container) => container.RuntimeNamespace == "k8s.io";

    /// <summary>Adds the pod's labels and network mode to what runc's annotations told.</summary>
    public async Task<ContainerInfo?> DescribeEarlyAsync(ContainerInfo container, CancellationToken cancellation)
    {
        if (container.SandboxId.Length == 0)
            return container;
        var status = await _client.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = container.SandboxId },
            cancellationToken: cancellation).ConfigureAwait(false);
        if (status.Status is null)
            return container;
        return container with
        {
            PodLabels = PodLabels(status.Status.Labels),
            HostNetwork = status.Status.Linux?.Namespaces?.Options?.Network == NamespaceMode.Node,
        };
    }

    private static ContainerInfo Describe(Container container, PodSandbox pod, ContainerStatusResponse status, bool hostNetwork) => new()
    {
        Runtime = DiscoveryOptions.Containerd,
        Id = container.Id,
        Name = container.Metadata.Name,
        // The listing names the image by its id (sha256:…); the status by its first tag,
        // and its digest by the repository digest when the image has one (else the id).
        ImageName = status.Status?.Image?.Image is { Length: > 0 } tag ? tag : container.Image?.Image ?? "",
        ImageDigest = status.Status?.ImageRef is { Length: > 0 } reference ? reference : container.ImageRef,
        Pid = PidOf(status),
        RuntimeNamespace = "k8s.io",
        PodName = pod.Metadata.Name,
        Namespace = pod.Metadata.Namespace,
        PodUid = pod.Metadata.Uid,
        K8sContainerName = container.Metadata.Name,
        SandboxId = pod.Id,
        HostNetwork = hostNetwork,
        PodLabels = PodLabels(pod.Labels),
    };

    /// <summary>The pod's own labels, without those the kubelet adds for itself.</summary>
    private static Dictionary<string, string> PodLabels(IDictionary<string, string> labels) =>
        labels.Where(l => !l.Key.StartsWith("io.kubernetes.", StringComparison.Ordinal)).ToDictionary(l => l.Key, l => l.Value);

    private async Task<bool> IsHostNetworkAsync(string sandboxId, CancellationToken cancellation)
    {
        var status = await _client.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = sandboxId },
            cancellationToken: cancellation).ConfigureAwait(false);
        return status.Status?.Linux?.Namespaces?.Options?.Network == NamespaceMode.Node;
    }

    private async Task<ContainerStatusResponse> StatusOfAsync(string id, CancellationToken cancellation) =>
        await _client.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id, Verbose = true },
            cancellationToken: cancellation).ConfigureAwait(false);

    /// <summary>The init pid, from the verbose status's "info" JSON ({"pid": 1234, ...}); 0 when
    /// the container has none (any more).</summary>
    private static int PidOf(ContainerStatusResponse status)
    {
        if (!status.Info.TryGetValue("info", out var info))
            return 0;
        try
        {
            using var json = JsonDocument.Parse(info, new JsonDocumentOptions { MaxDepth = 64 });
            return json.RootElement.Int32("pid") ?? 0;
        }
        catch (JsonException)
        {
            return 0; // not JSON: no pid, so the container is left to the /proc scan
        }
    }

    public void Dispose() { }
}
