using System.Diagnostics;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Containers;

/// <summary>Times `docker run --rm busybox true`, the whole life of a container as a user sees it.
/// Bounds are derived from untraced starts measured in the same test, never constants.</summary>
internal static class ContainerStarts
{
    private const int BaselineStarts = 3;

    /// <summary>A start may take this many times the slowest untraced one of the same test. A
    /// start that waits on ig waits until ig resumes (for ever, here), so any factor tells;
    /// three leaves room for the noise of a shared machine.</summary>
    private const double Factor = 3;

    /// <summary>The bound for a traced start: <see cref="Factor"/> times the slowest of a few
    /// untraced ones (after one to warm the caches).</summary>
    public static TimeSpan MeasureBound()
    {
        Time();
        var slowest = Enumerable.Range(0, BaselineStarts).Select(_ => Time()).Max();
        return slowest * Factor;
    }

    /// <summary>One start, run to completion. A start still running after ten times
    /// <paramref name="bound"/> is killed and reported as that long.</summary>
    public static TimeSpan Time(TimeSpan? bound = null)
    {
        var name = Paths.UniqueName("igt-start");
        var clock = Stopwatch.StartNew();
        try
        {
            var (code, _, error) = Shell.TryRun("docker", null, (bound ?? TimeSpan.FromSeconds(6)) * 10, "run", "--rm", "--name", name, TestImages.Busybox, "true");
            Assert.True(code == 0, $"docker run failed ({code}): {error}");
            return clock.Elapsed;
        }
        catch (TimeoutException)
        {
            return clock.Elapsed;
        }
        finally
        {
            Shell.TryRun("docker", null, TimeSpan.FromSeconds(30), "rm", "-f", name);
        }
    }

    /// <summary>Asserts that a few starts each stay within <paramref name="bound"/>.</summary>
    public static void AssertWithin(TimeSpan bound, string while_)
    {
        for (var i = 0; i < 3; i++)
        {
            var took = Time(bound);
            Assert.True(took <= bound, $"a container start took {took.TotalMilliseconds:F0} ms {while_}, more than {bound.TotalMilliseconds:F0} ms ({Factor} times the slowest untraced start)");
        }
    }
}
