using Gadget.Containers;
using Gadget.Containers.Runtimes;
using Gadget.Containers.Runtimes.Containerd;
using ContainerdApi = Gadget.Containers.Containerd;

namespace Gadget.Tests.Containers;

/// <summary>What discovery warns about, over runtime APIs that are test doubles (a container
/// vanishing mid-listing cannot be produced on demand; containerd's CRI plugin cannot be
/// turned off on the machine's shared containerd).</summary>
public sealed class ContainerDiscoveryTests : IDisposable
{
    private static readonly DiscoveryOptions Options = new() { WatchRunc = false };

    private readonly string _socket = Path.Combine(Path.GetTempPath(), "igt-fake-" + Guid.NewGuid().ToString("N")[..8] + ".sock");
    private readonly ContainerdChannel _channel;
    private readonly StringWriter _warnings = new();

    public ContainerDiscoveryTests()
    {
        File.WriteAllText(_socket, "");
        _channel = new ContainerdChannel(_socket);
    }

    public void Dispose()
    {
        _channel.Dispose();
        File.Delete(_socket);
    }

    private static FakeGrpcApi NativeApiWithoutContainers() => new FakeGrpcApi()
        .Answer<ContainerdApi.NamespacesV1.ListNamespacesRequest, ContainerdApi.NamespacesV1.ListNamespacesResponse>(_ => new());

    private ContainerDiscovery Start(params IContainerRuntime[] runtimes)
    {
        var discovery = ContainerDiscovery.Start(Options, runtimes, TextWriter.Synchronized(_warnings), verbose: null);
        Assert.True(discovery.Ready.Wait(TimeSpan.FromSeconds(10)), "discovery never became ready");
        return discovery;
    }

    [Fact]
    public void A_container_that_vanishes_during_the_listing_is_not_a_runtime_failure()
    {
        using var alive = new ProcessInOwnMountNamespace();
        var cri = RuntimeListingTests.CriApi(new Dictionary<string, int?> { ["alive"] = alive.Pid, ["vanished"] = null });

        using var discovery = Start(new CriRuntime(_channel, cri), new ContainerdRuntime(_channel, ["k8s.io"], ownsChannel: false, NativeApiWithoutContainers()));

        Assert.Equal("", _warnings.ToString());
        Assert.Equal("n-alive", discovery.Collection.FindById("alive")?.Name);
        Assert.Null(discovery.Collection.FindById("vanished"));
    }

    [Fact]
    public void A_failing_cri_api_is_named_when_the_native_api_works()
    {
        // No CRI service: what containerd answers when its CRI plugin is disabled.
        using var discovery = Start(new CriRuntime(_channel, new FakeGrpcApi()), new ContainerdRuntime(_channel, ["k8s.io"], ownsChannel: false, NativeApiWithoutContainers()));

        var warning = Assert.Single(_warnings.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"WARNING: containerd: cannot list containers through its CRI API at {_socket} (", warning);
        Assert.EndsWith("); skipping that API (its native API works)", warning);
    }

    [Fact]
    public void A_runtime_whose_apis_all_fail_is_one_warning()
    {
        using var discovery = Start(new CriRuntime(_channel, new FakeGrpcApi()), new ContainerdRuntime(_channel, ["k8s.io"], ownsChannel: false, new FakeGrpcApi()));

        var warning = Assert.Single(_warnings.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"WARNING: containerd: cannot list containers at {_socket} (", warning);
        Assert.EndsWith("); skipping it", warning);
    }
}
