using System.Runtime;

namespace Gadget.Tests;

/// <summary>Counts the bytes that code allocates on the calling thread, exactly.</summary>
/// <remarks>The runtime's count is per thread, but a garbage collection started by any thread
/// retires this thread's allocation context, and the unused rest of it (up to 8 KB) then counts
/// as allocated. So the measured code runs inside a no-GC region, where no collection can start
/// unless the region's whole budget is allocated (which the meter reports), and tests that use
/// the meter belong to <see cref="AllocationMeasurements"/>, which runs alone.</remarks>
public static class AllocationMeter
{
    // Far more than the measured code may allocate, and within what the GC can reserve.
    private const long RegionBytes = 64L * 1024 * 1024;

    public static long Measure(Action code)
    {
        Assert.True(GC.TryStartNoGCRegion(RegionBytes), "could not enter a no-GC region");
        var before = GC.GetAllocatedBytesForCurrentThread();
        code();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var collected = GCSettings.LatencyMode != GCLatencyMode.NoGCRegion;
        if (!collected)
            GC.EndNoGCRegion();
        Assert.False(collected, $"a garbage collection ran during the measurement ({allocated} bytes allocated)");
        return allocated;
    }
}

/// <summary>Tests that count allocated bytes: they run after the others, one at a time, so that
/// no other test allocates beside them (see <see cref="AllocationMeter"/>).</summary>
[CollectionDefinition(nameof(AllocationMeasurements), DisableParallelization = true)]
public sealed class AllocationMeasurements;
