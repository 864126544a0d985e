using System.Globalization;
using System.Text.Json;
using Gadget.Containers;
using Gadget.Gadgets.Profile.BlockIo;
using Gadget.IntegrationTests.Infrastructure;
using Gadget.IntegrationTests.Top;

namespace Gadget.IntegrationTests.Profile;

/// <summary>profile block-io against real direct I/O in real containers, on loop disks of the
/// test's own: each 4 KiB direct write of an allocated file is one request, so the histograms
/// of those disks must count exactly the requests dd made.</summary>
public sealed class ProfileBlockIoTests : OwningTest
{
    private static string[] DirectWrite(string path, int blocks) =>
        ["dd", "if=/dev/zero", $"of={path}", $"bs={LoopDisk.BlockSize}", $"count={blocks.ToString(CultureInfo.InvariantCulture)}", "oflag=direct", "conv=notrunc"];

    private RunningGadget Profile(DockerContainer container, params (string, string)[] parameters) =>
        Own(RunningGadget.StartWithContainers(new BlockIoGadget(), new ContainerSelector { ContainerName = container.Name }, parameters));

    /// <summary>The one report a profile prints when stopped.</summary>
    private static JsonElement StopAndReport(RunningGadget session)
    {
        session.Stop();
        return Assert.Single(session.Records);
    }

    private static long Sum(JsonElement histogram) =>
        histogram.TryGetProperty("intervals", out var intervals) ? intervals.EnumerateArray().Sum(i => i.Num("count")) : 0;

    private static JsonElement Histogram(JsonElement report, string disk) =>
        Assert.Single(report.EnumerateArray(), h => h.Str("disk") == disk);

    [Fact]
    public void The_report_is_the_reference_histogram_object_and_counts_the_containers_requests()
    {
        Requires.Root();
        var disk = Own(LoopDisk.Create());
        disk.CreateFile("f", 30);
        var container = Own(DockerContainer.Run(null, null, "-v", $"{disk.MountPoint}:/data"));
        var session = Profile(container);

        container.Exec(DirectWrite("/data/f", 30));

        var report = StopAndReport(session);
        Assert.Equal(JsonValueKind.Object, report.ValueKind);
        Assert.Equal(["unit", "intervals"], report.EnumerateObject().Select(p => p.Name));
        Assert.Equal("µs", report.Str("unit"));
        var intervals = report.GetProperty("intervals").EnumerateArray().ToList();
        // Power-of-two buckets from 0, one after the other, up to the last that counted.
        Assert.Equal(0, intervals[0].Num("start"));
        Assert.Equal(1, intervals[0].Num("end"));
        for (var i = 1; i < intervals.Count; i++)
        {
            Assert.Equal(["count", "start", "end"], intervals[i].EnumerateObject().Select(p => p.Name));
            Assert.Equal(1L << i, intervals[i].Num("start"));
            Assert.Equal((2L << i) - 1, intervals[i].Num("end"));
        }
        Assert.True(intervals[^1].Num("count") > 0);
        // Other I/O of the container (its image's disk) may count too; dd's 30 requests are there.
        Assert.True(Sum(report) >= 30, $"{Sum(report)} requests counted");
    }

    [Fact]
    public void Per_disk_histograms_count_each_disks_requests_exactly()
    {
        Requires.Root();
        var first = Own(LoopDisk.Create());
        var second = Own(LoopDisk.Create());
        first.CreateFile("f", 12);
        second.CreateFile("f", 20);
        var container = Own(DockerContainer.Run(null, null, "-v", $"{first.MountPoint}:/a", "-v", $"{second.MountPoint}:/b"));
        var session = Profile(container, (BlockIoGadget.PerDisk, "true"));

        container.Exec(DirectWrite("/a/f", 12));
        container.Exec(DirectWrite("/b/f", 20));

        var report = StopAndReport(session);
        Assert.Equal(JsonValueKind.Array, report.ValueKind);
        Assert.Equal(12, Sum(Histogram(report, first.Name)));
        Assert.Equal(20, Sum(Histogram(report, second.Name)));
        Assert.All(report.EnumerateArray(), h => Assert.Equal("µs", h.Str("unit")));
    }

    [Fact]
    public void Per_flag_histograms_name_the_direct_writes_flags()
    {
        Requires.Root();
        var disk = Own(LoopDisk.Create());
        disk.CreateFile("f", 16);
        var container = Own(DockerContainer.Run(null, null, "-v", $"{disk.MountPoint}:/data"));
        var session = Profile(container, (BlockIoGadget.PerDisk, "true"), (BlockIoGadget.PerFlag, "true"));

        container.Exec(DirectWrite("/data/f", 16));

        var report = StopAndReport(session);
        var histogram = Assert.Single(report.EnumerateArray(), h => h.Str("disk") == disk.Name);
        // A direct write is a synchronous write, idle after it (iomap's REQ_SYNC | REQ_IDLE).
        Assert.Equal("Idle-Sync-Write", histogram.Str("flags"));
        Assert.Equal(16, Sum(histogram));
    }

    [Fact]
    public void A_containername_selection_counts_only_the_requests_of_that_container()
    {
        Requires.Root();
        var disk = Own(LoopDisk.Create());
        disk.CreateFile("other", 25);
        disk.CreateFile("wanted", 7);
        var wanted = Own(DockerContainer.Run(null, null, "-v", $"{disk.MountPoint}:/data"));
        var other = Own(DockerContainer.Run(null, null, "-v", $"{disk.MountPoint}:/data"));
        var session = Profile(wanted, (BlockIoGadget.PerDisk, "true"));

        other.Exec(DirectWrite("/data/other", 25));
        Shell.Run("dd", DirectWrite(Path.Combine(disk.MountPoint, "other"), 25)[1..]);
        wanted.Exec(DirectWrite("/data/wanted", 7));

        Assert.Equal(7, Sum(Histogram(StopAndReport(session), disk.Name)));
    }
}
