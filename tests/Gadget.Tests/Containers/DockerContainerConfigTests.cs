using Gadget.Containers;
using Gadget.Containers.Runtimes.Docker;

namespace Gadget.Tests.Containers;

/// <summary>A Docker container that runc is starting is named from the files Docker wrote at
/// create time, in the data root its /info names, without waiting for the "create" event.</summary>
public sealed class DockerContainerConfigTests : IDisposable
{
    private const string Id = "4f1c0ffee4f1c0ffee4f1c0ffee4f1c0ffee4f1c0ffee4f1c0ffee4f1c0ffee0";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "igt-docker-" + Guid.NewGuid().ToString("N")[..8]);

    public DockerContainerConfigTests()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, "containers", Id)).FullName;
        File.WriteAllText(Path.Combine(dir, "config.v2.json"),
            """{"ID":"x","Name":"/web","Image":"sha256:5d88","Config":{"Image":"igtest/busybox:1","Hostname":"h"},"State":{"Running":false}}""");
        File.WriteAllText(Path.Combine(dir, "hostconfig.json"), """{"NetworkMode":"host"}""");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Reads_name_image_digest_and_network_mode()
    {
        Assert.Equal(new DockerContainerConfig("web", "igtest/busybox:1", "sha256:5d88", HostNetwork: true), DockerContainerConfig.TryRead(_root, Id));
        Assert.Null(DockerContainerConfig.TryRead(_root, "missing"));
    }

    [Fact]
    public async Task A_starting_container_is_described_from_the_data_root_docker_reports()
    {
        var api = new FakeDockerApi(new Dictionary<string, string>
        {
            ["/info"] = $$"""{"DockerRootDir":"{{_root}}"}""",
            ["/containers/json"] = "[]",
        });
        using var docker = new DockerRuntime("/nonexistent.sock", api);
        await docker.ListAsync(TestContext.Current.CancellationToken);
        var starting = new ContainerInfo { Runtime = "unknown", Id = Id, Name = Id, RuntimeNamespace = "moby" };

        var described = await docker.DescribeEarlyAsync(starting, TestContext.Current.CancellationToken);

        Assert.Equal(("docker", "web", "igtest/busybox:1", "sha256:5d88", true),
            (described!.Runtime, described.Name, described.ImageName, described.ImageDigest, described.HostNetwork));
    }
}
