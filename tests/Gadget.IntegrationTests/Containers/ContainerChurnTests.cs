using Gadget.Containers.Cri.V1;
using Gadget.Containers.Runtimes;
using Gadget.IntegrationTests.Infrastructure;
using Grpc.Net.Client;

namespace Gadget.IntegrationTests.Containers;

/// <summary>Containers that start and are removed while ig lists them (CRI, Docker, ctr) are
/// not runtime failures. Whether a removal falls exactly between a runtime's listing and
/// ig's question about that container cannot be arranged; churning containers in parallel
/// with repeated listings makes it likely, not certain (RuntimeListingTests covers the race
/// itself deterministically with test doubles).</summary>
public sealed class ContainerChurnTests
{
    private static readonly TimeSpan MinimumDuration = TimeSpan.FromSeconds(20);
    private const int ParallelListings = 4;
    private const int MinimumRounds = 3;
    private const int CriChurners = 3;
    // Long-lived containers listed alongside: each costs ig one status question, which
    // widens the window in which a churning container can vanish after the listing.
    private const int Fillers = 24;
    private static readonly TimeSpan MaximumDuration = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Listing_while_containers_come_and_go_succeeds_without_warnings()
    {
        Requires.Root();
        using var pod = CriPod.Run();
        for (var f = 0; f < Fillers; f++)
            pod.StartContainer("filler" + f);
        using var stop = new CancellationTokenSource();
        var cancellation = TestContext.Current.CancellationToken;
        var rounds = new int[CriChurners + 2];
        var churners = new List<Task>();

        using var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = UnixSocketHttp.Handler("/run/containerd/containerd.sock") });
        var cri = new RuntimeService.RuntimeServiceClient(channel);
        for (var c = 0; c < CriChurners; c++)
        {
            var slot = c;
            churners.Add(Task.Run(() => ChurnLoop(slot, i =>
            {
                var id = pod.StartContainer($"churn{slot}-{i}", "sleep", "5");
                cri.StopContainer(new StopContainerRequest { ContainerId = id, Timeout = 0 });
                cri.RemoveContainer(new RemoveContainerRequest { ContainerId = id });
            }), cancellation));
        }
        // --rm: Docker removes the container as soon as it exits.
        churners.Add(Task.Run(() => ChurnLoop(CriChurners, _ => Shell.TryRun("docker", null, TimeSpan.FromSeconds(30),
            "run", "-d", "--rm", "--name", Paths.UniqueName("igt-dch"), TestImages.Busybox, "sleep", "0.1")), cancellation));
        churners.Add(Task.Run(() => ChurnLoop(CriChurners + 1, _ => CtrContainer.Run(Paths.UniqueName("igt-cch"), "true").Dispose()), cancellation));
        var listings = 0;
        try
        {
            // Several listings at once: more chances for a removal to fall inside one.
            var started = DateTime.UtcNow;
            await Task.WhenAll(Enumerable.Range(0, ParallelListings).Select(_ => Task.Run(() =>
            {
                while (DateTime.UtcNow - started is var elapsed && elapsed < MaximumDuration && (elapsed < MinimumDuration || rounds.Min() < MinimumRounds))
                {
                    var result = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(30), "list-containers");
                    Interlocked.Increment(ref listings);

                    Assert.Equal((0, ""), (result.ExitCode, result.Error));
                    Assert.StartsWith("RUNTIME", result.Output);
                }
            }, cancellation)));
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(churners).WaitAsync(MaximumDuration, cancellation);
        }
        Assert.All(rounds, r => Assert.True(r >= MinimumRounds, $"containers came and went only {string.Join(", ", rounds)} times"));
        TestContext.Current.SendDiagnosticMessage($"{listings} listings while containers came and went {string.Join(", ", rounds)} times");

        void ChurnLoop(int slot, Action<int> round)
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                round(i);
                Interlocked.Increment(ref rounds[slot]);
            }
        }
    }
}
