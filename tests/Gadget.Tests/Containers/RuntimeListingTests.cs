using Gadget.Containers;
using Gadget.Containers.Cri.V1;
using Gadget.Containers.Runtimes.Containerd;
using Gadget.Containers.Runtimes.Docker;
using ContainerdApi = Gadget.Containers.Containerd;

namespace Gadget.Tests.Containers;

/// <summary>Each runtime's listing when containers disappear while it is being made: a
/// container removed between the list call and the question about it (NotFound, HTTP 404)
/// or whose process has exited is left out, and the others are listed. The runtimes' APIs
/// are test doubles: the race cannot be produced on demand with real runtimes (the
/// integration test ContainerChurnTests provokes it, without a guarantee).</summary>
public sealed class RuntimeListingTests : IDisposable
{
    // A live process with a readable mount namespace stands for every running container.
    private static readonly int LivePid = Environment.ProcessId;
    // Beyond any pid_max: the process of a container that has exited.
    private const int ExitedPid = int.MaxValue;

    private readonly string _socket = Path.Combine(Path.GetTempPath(), "igt-fake-" + Guid.NewGuid().ToString("N")[..8] + ".sock");
    private readonly ContainerdChannel _channel;

    public RuntimeListingTests()
    {
        File.WriteAllText(_socket, "");
        _channel = new ContainerdChannel(_socket);
    }

    public void Dispose()
    {
        _channel.Dispose();
        File.Delete(_socket);
    }

    /// <summary>A CRI API with one ready pod and the containers asked for: pid per container id,
    /// null for a container that is gone by the time its status is asked.</summary>
    internal static FakeGrpcApi CriApi(IReadOnlyDictionary<string, int?> containers, ISet<string>? podsGone = null)
    {
        var pods = containers.Keys.Select(id => "pod-" + id).ToList();
        return new FakeGrpcApi()
            .Answer<ListPodSandboxRequest, ListPodSandboxResponse>(_ => new ListPodSandboxResponse
            {
                Items = { pods.Select(p => new PodSandbox { Id = p, Metadata = new PodSandboxMetadata { Name = p, Namespace = "ns", Uid = "uid-" + p }, Labels = { ["app"] = "a" } }) },
            })
            .Answer<ListContainersRequest, ListContainersResponse>(_ => new ListContainersResponse
            {
                Containers = { containers.Keys.Select(id => new Container { Id = id, PodSandboxId = "pod-" + id, Metadata = new ContainerMetadata { Name = "n-" + id }, Image = new ImageSpec { Image = "sha256:1d" }, ImageRef = "sha256:1d" }) },
            })
            .Answer<ContainerStatusRequest, ContainerStatusResponse>(request => containers[request.ContainerId] switch
            {
                null => throw FakeGrpcApi.NotFound("container " + request.ContainerId),
                0 => new ContainerStatusResponse { Status = Status(request.ContainerId) },
                var pid => new ContainerStatusResponse { Status = Status(request.ContainerId), Info = { ["info"] = $"{{\"pid\":{pid}}}" } },
            })
            .Answer<PodSandboxStatusRequest, PodSandboxStatusResponse>(request => podsGone?.Contains(request.PodSandboxId) == true
                ? throw FakeGrpcApi.NotFound("pod " + request.PodSandboxId)
                : new PodSandboxStatusResponse { Status = new PodSandboxStatus { Id = request.PodSandboxId } });
    }

    // The status names the image by its tag and repository digest; the listing only by its id.
    private static ContainerStatus Status(string id) => new()
    {
        Id = id,
        Image = new ImageSpec { Image = "docker.io/igtest/busybox:1" },
        ImageRef = "docker.io/igtest/busybox@sha256:2d",
    };

    [Fact]
    public async Task Cri_leaves_out_containers_removed_or_exited_during_the_listing()
    {
        var api = CriApi(new Dictionary<string, int?> { ["alive1"] = LivePid, ["removed"] = null, ["nopid"] = 0, ["exited"] = ExitedPid, ["alive2"] = LivePid });
        using var cri = new CriRuntime(_channel, api);

        var listed = await cri.ListAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["alive1", "alive2"], listed.Select(c => c.Id).Order());
        Assert.All(listed, c => Assert.True(c.MntnsId > 0));
        Assert.All(listed, c => Assert.Equal(("docker.io/igtest/busybox:1", "docker.io/igtest/busybox@sha256:2d"), (c.ImageName, c.ImageDigest)));
    }

    [Fact]
    public async Task Cri_leaves_out_the_containers_of_a_pod_removed_during_the_listing()
    {
        var api = CriApi(new Dictionary<string, int?> { ["alive"] = LivePid, ["orphan"] = LivePid }, podsGone: new HashSet<string> { "pod-orphan" });
        using var cri = new CriRuntime(_channel, api);

        var listed = await cri.ListAsync(TestContext.Current.CancellationToken);

        Assert.Equal("alive", Assert.Single(listed).Id);
    }

    private static FakeGrpcApi NativeApi(IReadOnlyDictionary<string, int> tasks, ISet<string> removed, string imageDigest)
    {
        return new FakeGrpcApi()
            .Answer<ContainerdApi.NamespacesV1.ListNamespacesRequest, ContainerdApi.NamespacesV1.ListNamespacesResponse>(_ => new()
            {
                Namespaces = { new ContainerdApi.NamespacesV1.Namespace { Name = "default" }, new ContainerdApi.NamespacesV1.Namespace { Name = "k8s.io" } },
            })
            .Answer<ContainerdApi.TasksV1.ListTasksRequest, ContainerdApi.TasksV1.ListTasksResponse>(_ => new()
            {
                Tasks = { tasks.Select(t => new ContainerdApi.Types.Process { Id = t.Key, Pid = (uint)t.Value, Status = ContainerdApi.Types.Status.Running }) },
            })
            .Answer<ContainerdApi.ContainersV1.GetContainerRequest, ContainerdApi.ContainersV1.GetContainerResponse>(request => removed.Contains(request.Id)
                ? throw FakeGrpcApi.NotFound("container " + request.Id)
                : new() { Container = new ContainerdApi.ContainersV1.Container { Id = request.Id, Image = "docker.io/x/y:1" } })
            .Answer<ContainerdApi.ImagesV1.GetImageRequest, ContainerdApi.ImagesV1.GetImageResponse>(request => imageDigest.Length == 0
                ? throw FakeGrpcApi.NotFound("image " + request.Name)
                : new() { Image = new ContainerdApi.ImagesV1.Image { Name = request.Name, Target = new ContainerdApi.Types.OciDescriptor { Digest = imageDigest } } });
    }

    [Fact]
    public async Task Containerd_native_leaves_out_removed_and_exited_containers_and_gives_the_image_digest()
    {
        var api = NativeApi(new Dictionary<string, int> { ["alive"] = LivePid, ["removed"] = LivePid, ["exited"] = ExitedPid }, new HashSet<string> { "removed" }, "sha256:0123");
        using var native = new ContainerdRuntime(_channel, ["k8s.io"], ownsChannel: false, api);

        var listed = await native.ListAsync(TestContext.Current.CancellationToken);

        var alive = Assert.Single(listed);
        Assert.Equal(("alive", "containerd", "default"), (alive.Id, alive.Runtime, alive.RuntimeNamespace));
        Assert.Equal("docker.io/x/y:1", alive.ImageName);
        Assert.Equal("sha256:0123", alive.ImageDigest);
    }

    [Fact]
    public async Task Containerd_native_lists_a_container_whose_image_is_gone_without_a_digest()
    {
        var api = NativeApi(new Dictionary<string, int> { ["alive"] = LivePid }, new HashSet<string>(), imageDigest: "");
        using var native = new ContainerdRuntime(_channel, ["k8s.io"], ownsChannel: false, api);

        var listed = await native.ListAsync(TestContext.Current.CancellationToken);

        Assert.Equal(("docker.io/x/y:1", ""), (Assert.Single(listed).ImageName, listed[0].ImageDigest));
    }

    private static string Inspect(string id, int pid) => $$"""
        {"Id":"{{id}}","Name":"/n-{{id}}","Image":"sha256:feed","State":{"Running":true,"Pid":{{pid}} },
         "Config":{"Image":"igtest/busybox:1"},"HostConfig":{"NetworkMode":"default"} }
        """;

    [Fact]
    public async Task Docker_leaves_out_containers_removed_or_exited_during_the_listing()
    {
        var api = new FakeDockerApi(new Dictionary<string, string>
        {
            ["/info"] = """{"DockerRootDir":"/var/lib/docker"}""",
            ["/containers/json"] = """[{"Id":"alive"},{"Id":"removed"},{"Id":"exited"}]""",
            ["/containers/alive/json"] = Inspect("alive", LivePid),
            ["/containers/exited/json"] = Inspect("exited", ExitedPid),
        });
        using var docker = new DockerRuntime(_socket, api);

        var listed = await docker.ListAsync(TestContext.Current.CancellationToken);

        var alive = Assert.Single(listed);
        Assert.Equal(("alive", "n-alive", "igtest/busybox:1", "sha256:feed"), (alive.Id, alive.Name, alive.ImageName, alive.ImageDigest));
    }
}
