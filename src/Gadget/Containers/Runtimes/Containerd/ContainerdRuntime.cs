using Gadget.Containers.Containerd.ContainersV1;
using Gadget.Containers.Containerd.Events;
using Gadget.Containers.Containerd.EventsV1;
using Gadget.Containers.Containerd.ImagesV1;
using Gadget.Containers.Containerd.NamespacesV1;
using Gadget.Containers.Containerd.TasksV1;
using Gadget.Containers.Containerd.Types;
using Grpc.Core;

namespace Gadget.Containers.Runtimes.Containerd;

/// <summary>containerd's own API, for containers made without Kubernetes (`ctr run`, or any
/// client in a namespace other than k8s.io): tasks give the pids, the event stream gives
/// starts and exits. Docker's namespace ("moby") is left to the Docker runtime when that is used.</summary>
internal sealed class ContainerdRuntime : IContainerRuntime
{
    private readonly ContainerdChannel _channel;
    private readonly HashSet<string> _skippedNamespaces;
    private readonly Namespaces.NamespacesClient _namespaces;
    private readonly Gadget.Containers.Containerd.ContainersV1.Containers.ContainersClient _containers;
    private readonly Tasks.TasksClient _tasks;
    private readonly Events.EventsClient _events;
    private readonly Images.ImagesClient _images;

    private readonly bool _ownsChannel;

    /// <param name="invoker">Where calls go; the channel's by default (tests pass their own).</param>
    public ContainerdRuntime(ContainerdChannel channel, IEnumerable<string> skippedNamespaces, bool ownsChannel, CallInvoker? invoker = null)
    {
        _channel = channel;
        _ownsChannel = ownsChannel;
        _skippedNamespaces = [.. skippedNamespaces];
        invoker ??= channel.Channel.CreateCallInvoker();
        _namespaces = new Namespaces.NamespacesClient(invoker);
        _containers = new Gadget.Containers.Containerd.ContainersV1.Containers.ContainersClient(invoker);
        _tasks = new Tasks.TasksClient(invoker);
        _events = new Events.EventsClient(invoker);
        _images = new Images.ImagesClient(invoker);
    }

    public string Name => DiscoveryOptions.Containerd;

    public string Endpoint => _channel.Socket;

    public string Api => "native";

    public async Task<IReadOnlyList<ContainerInfo>> ListAsync(CancellationToken cancellation)
    {
        var result = new List<ContainerInfo>();
        try
        {
            var namespaces = await _namespaces.ListAsync(new ListNamespacesRequest(), cancellationToken: cancellation).ConfigureAwait(false);
            foreach (var ns in namespaces.Namespaces.Select(n => n.Name).Where(n => !_skippedNamespaces.Contains(n)))
            {
                ListTasksResponse tasks;
                try
                {
                    tasks = await _tasks.ListAsync(new ListTasksRequest(), ContainerdChannel.InNamespace(ns), cancellationToken: cancellation).ConfigureAwait(false);
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
                {
                    continue; // the namespace was removed meanwhile
                }
                foreach (var task in tasks.Tasks.Where(t => t.Status == Gadget.Containers.Containerd.Types.Status.Running))
                {
                    if (await DescribeAsync(ns, task.Id, (int)task.Pid, cancellation).ConfigureAwait(false) is { } container)
                        result.Add(container);
                }
            }
        }
        catch (RpcException e) when (ContainerdChannel.IsUnreachable(e))
        {
            throw new RuntimeUnavailableException($"containerd at {_channel.Socket}: {e.Status.Detail}", e);
        }
        return result;
    }

    public async Task WatchAsync(ContainerCollection collection, CancellationToken cancellation)
    {
        using var call = _events.Subscribe(new SubscribeRequest { Filters = { "topic~=\"^/tasks/\"" } }, cancellationToken: cancellation);
        await foreach (var envelope in call.ResponseStream.ReadAllAsync(cancellation).ConfigureAwait(false))
        {
            if (_skippedNamespaces.Contains(envelope.Namespace))
                continue;
            // Type URLs are bare message names here: compare them as strings.
            switch (envelope.Event?.TypeUrl)
            {
                case "containerd.events.TaskStart":
                    if (envelope.Event is null)
                        continue;
                    var start = TaskStart.Parser.ParseFrom(envelope.Event.Value);
                    if (start.ContainerId.Length == 0)
                        continue;
                    if (await DescribeAsync(envelope.Namespace, start.ContainerId, (int)start.Pid, cancellation).ConfigureAwait(false) is { } container)
                        collection.AddOrUpdate(container);
                    break;
                case "containerd.events.TaskExit":
                    var exit = TaskExit.Parser.ParseFrom(envelope.Event!.Value);
                    if (exit.Id == exit.ContainerId)
                        collection.Remove(exit.ContainerId);
                    break;
            }
        }
    }

    public async Task<ContainerInfo?> InspectAsync(string id, CancellationToken cancellation)
    {
        var all = await ListAsync(cancellation).ConfigureAwait(false);
        return all.FirstOrDefault(c => c.Id == id);
    }

    /// <summary>A running task as a container; null when it is gone by now (removed after
    /// the listing or the event, or its process exited).</summary>
    private async Task<ContainerInfo?> DescribeAsync(string ns, string id, int pid, CancellationToken cancellation)
    {
        string image;
        try
        {
            var response = await _containers.GetAsync(new GetContainerRequest { Id = id }, ContainerdChannel.InNamespace(ns), cancellationToken: cancellation).ConfigureAwait(false);
            image = response.Container?.Image ?? "";
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null; // removed meanwhile
        }
        return ContainerProcess.Complete(new ContainerInfo
        {
            Runtime = ns == "moby" ? DiscoveryOptions.Docker : DiscoveryOptions.Containerd,
            Id = id,
            Name = id,
            ImageName = image,
            ImageDigest = await ImageDigestAsync(ns, image, cancellation).ConfigureAwait(false),
            Pid = pid,
            RuntimeNamespace = ns,
        });
    }

    /// <summary>The digest of the manifest (or index) the image name points at, as
    /// containerd's image store has it; "" when the image is not there (removed after the
    /// container was made, or the container was made from a snapshot without one).</summary>
    private async Task<string> ImageDigestAsync(string ns, string image, CancellationToken cancellation)
    {
        if (image.Length == 0)
            return "";
        try
        {
            var response = await _images.GetAsync(new GetImageRequest { Name = image }, ContainerdChannel.InNamespace(ns), cancellationToken: cancellation).ConfigureAwait(false);
            return response.Image.Target?.Digest ?? "";
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return "";
        }
    }

    public void Dispose()
    {
        if (_ownsChannel)
            _channel.Dispose();
    }
}
