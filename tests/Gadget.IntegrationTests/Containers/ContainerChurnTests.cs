using Gadget.Containers.Cri.V1;
using Gadget.Containers.Runtimes;
using Gadget.IntegrationTests.Infrastructure;
using Grpc.Net.Client;

namespace Gadget.IntegrationTests.Containers;

/// <summary>Containers that start and are removed while ig lists them (CRI, Docker, ctr) are
/// not runtime failures. Whether a removal falls exactly between a runtime's listing and
/// ig's question about that container cannot be arranged; churning many containers makes it
/// likely (RuntimeListingTests covers the race itself with test doubles).</summary>
public sealed class ContainerChurnTests
{
    private const int Listings = 8;

    [Fact]
    public async Task Listing_while_containers_come_and_go_succeeds_without_warnings()
    {
        Requires.Root();
        using var pod = CriPod.Run();
        using var stop = new CancellationTokenSource();
        var churned = 0;
        var churn = Task.Run(() =>
        {
            using var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = UnixSocketHttp.Handler("/run/containerd/containerd.sock") });
            var cri = new RuntimeService.RuntimeServiceClient(channel);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var id = pod.StartContainer("churn" + i, "sleep", "0.2");
                cri.StopContainer(new StopContainerRequest { ContainerId = id, Timeout = 0 });
                cri.RemoveContainer(new RemoveContainerRequest { ContainerId = id });
                // --rm: Docker removes it as soon as it exits.
                Shell.TryRun("docker", null, TimeSpan.FromSeconds(30), "run", "-d", "--rm", "--name", Paths.UniqueName("igt-dch"), TestImages.Busybox, "sleep", "0.1");
                CtrContainer.Run(Paths.UniqueName("igt-cch"), "true").Dispose();
                Interlocked.Increment(ref churned);
            }
        }, TestContext.Current.CancellationToken);
        try
        {
            for (var i = 0; i < Listings; i++)
            {
                var result = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(30), "list-containers");

                Assert.Equal((0, ""), (result.ExitCode, result.Error));
                Assert.StartsWith("RUNTIME", result.Output);
            }
        }
        finally
        {
            stop.Cancel();
            await churn.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        }
        Assert.True(churned >= 2, $"only {churned} rounds of containers came and went");
    }
}
