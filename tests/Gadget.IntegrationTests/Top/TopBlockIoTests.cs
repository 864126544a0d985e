using System.Globalization;
using Gadget.Containers;
using Gadget.Gadgets.Top.BlockIo;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Top;

/// <summary>top block-io against real direct I/O (dd oflag=direct / iflag=direct) in real
/// containers, on a loop disk of the test's own so that requests can be counted exactly: each
/// 4 KiB direct read or write of an allocated file is one request.</summary>
public sealed class TopBlockIoTests : OwningTest
{
    private const int Blocks = 24;

    private static string[] DirectWrite(string path, int blocks) =>
        ["dd", "if=/dev/zero", $"of={path}", $"bs={LoopDisk.BlockSize}", $"count={blocks.ToString(CultureInfo.InvariantCulture)}", "oflag=direct", "conv=notrunc"];

    private static string[] DirectRead(string path, int blocks) =>
        ["dd", $"if={path}", "of=/dev/null", $"bs={LoopDisk.BlockSize}", $"count={blocks.ToString(CultureInfo.InvariantCulture)}", "iflag=direct"];

    [Fact]
    public void Direct_writes_in_a_docker_container_are_its_rows_with_the_disk_the_write_flag_and_exact_counts()
    {
        Requires.Root();
        var disk = Own(LoopDisk.Create());
        disk.CreateFile("f", Blocks);
        var container = Own(DockerContainer.Run(null, null, "-v", $"{disk.MountPoint}:/data"));
        var session = Own(RunningGadget.StartWithContainers(new BlockIoGadget(), new ContainerSelector { ContainerName = container.Name }));

        container.Exec(DirectWrite("/data/f", Blocks));

        var totals = BlockIoTotals.WaitFor(session, BlockIoTotals.OnDisk(disk, write: true), Blocks, "written by dd");
        Assert.Equal(Blocks, totals.Ops);
        Assert.Equal(Blocks * LoopDisk.BlockSize, totals.Bytes);
        Assert.True(totals.MicroSecs > 0, "the requests took some time on the device");
        var mntns = session.Containers!.FindById(container.Id)!.MntnsId;
        Assert.All(totals.Rows, row =>
        {
            Assert.Equal("dd", row.Str("comm"));
            Assert.True(row.Num("pid") > 0);
            Assert.Equal(container.Name, row.Str("runtime", "containerName"));
            Assert.Equal("docker", row.Str("runtime", "runtimeName"));
            Assert.Equal((long)mntns, row.Num("mountnsid"));
        });
        // One dd: one process, so one row per interval it spanned.
        Assert.Single(totals.Rows.Select(r => r.Num("pid")).Distinct());
    }

    [Fact]
    public void Requests_that_run_over_many_intervals_are_each_counted_once()
    {
        Requires.Root();
        var disk = Own(LoopDisk.Create());
        disk.CreateFile("f", 2000);
        var container = Own(DockerContainer.Run(null, null, "-v", $"{disk.MountPoint}:/data"));
        var session = Own(RunningGadget.StartWithContainers(new BlockIoGadget(), new ContainerSelector { ContainerName = container.Name }));

        // 50 dd one after the other, 100000 requests: seconds of I/O, read every second while
        // requests complete. None may be lost or counted twice where an interval ends.
        container.Exec("sh", "-c", $"i=0; while [ $i -lt 50 ]; do {string.Join(' ', DirectWrite("/data/f", 2000))} 2>/dev/null; i=$((i+1)); done");

        var totals = BlockIoTotals.WaitFor(session, BlockIoTotals.OnDisk(disk, write: true), 100_000, "written by the 50 dd", TimeSpan.FromSeconds(60));
        Assert.Equal(100_000, totals.Ops);
        Assert.Equal(100_000L * LoopDisk.BlockSize, totals.Bytes);
        Assert.Equal(50, totals.Rows.Select(r => r.Num("pid")).Distinct().Count());
        var frames = session.Frames.Count(f => f.EnumerateArray().Any(BlockIoTotals.OnDisk(disk, write: true)));
        Assert.True(frames >= 2, $"the writes fell in {frames} interval(s): they must span at least two for this test to say anything");
    }

    [Fact]
    public void Direct_reads_are_rows_without_the_write_flag()
    {
        Requires.Root();
        var disk = Own(LoopDisk.Create());
        disk.CreateFile("f", Blocks);
        var container = Own(DockerContainer.Run(null, null, "-v", $"{disk.MountPoint}:/data"));
        var session = Own(RunningGadget.StartWithContainers(new BlockIoGadget(), new ContainerSelector { ContainerName = container.Name }));

        container.Exec(DirectRead("/data/f", Blocks));

        var totals = BlockIoTotals.WaitFor(session, BlockIoTotals.OnDisk(disk, write: false), Blocks, "read by dd");
        Assert.Equal(Blocks, totals.Ops);
        Assert.Equal(Blocks * LoopDisk.BlockSize, totals.Bytes);
        Assert.All(totals.Rows, row => Assert.False(row.TryGetProperty("write", out _), "a read has no \"write\", as in the reference"));
        Assert.Empty(BlockIoTotals.Of(session, BlockIoTotals.OnDisk(disk, write: true)).Rows);
    }

    [Fact]
    public void Direct_writes_in_a_ctr_container_are_attributed_to_it()
    {
        Requires.Root();
        var disk = Own(LoopDisk.Create());
        disk.CreateFile("f", Blocks);
        var container = Own(MountedCtrContainer.Run(disk.MountPoint, "/data"));
        var session = Own(RunningGadget.StartWithContainers(new BlockIoGadget(), new ContainerSelector { ContainerName = container.Id }));

        container.Exec(DirectWrite("/data/f", Blocks));

        var totals = BlockIoTotals.WaitFor(session, BlockIoTotals.OnDisk(disk, write: true), Blocks, "written by dd");
        Assert.Equal(Blocks, totals.Ops);
        Assert.Equal(Blocks * LoopDisk.BlockSize, totals.Bytes);
        Assert.All(totals.Rows, row =>
        {
            Assert.Equal("dd", row.Str("comm"));
            Assert.Equal(container.Id, row.Str("runtime", "containerName"));
            Assert.Equal("containerd", row.Str("runtime", "runtimeName"));
        });
    }

    [Fact]
    public void Direct_writes_in_a_pod_are_attributed_to_its_namespace_pod_and_container()
    {
        Requires.Root();
        var disk = Own(LoopDisk.Create());
        disk.CreateFile("f", Blocks);
        var pod = Own(CriPod.Run());
        pod.StartContainer("writer", new CriContainerOptions { Mounts = [(disk.MountPoint, "/data")] }, "sleep", "600");
        var session = Own(RunningGadget.StartWithContainers(new BlockIoGadget(), new ContainerSelector { PodName = pod.Name }));

        pod.Exec("writer", DirectWrite("/data/f", Blocks));

        var totals = BlockIoTotals.WaitFor(session, BlockIoTotals.OnDisk(disk, write: true), Blocks, "written by dd");
        Assert.Equal(Blocks, totals.Ops);
        Assert.Equal(Blocks * LoopDisk.BlockSize, totals.Bytes);
        Assert.All(totals.Rows, row =>
        {
            Assert.Equal("dd", row.Str("comm"));
            Assert.Equal(pod.Namespace, row.Str("k8s", "namespace"));
            Assert.Equal(pod.Name, row.Str("k8s", "podName"));
            Assert.Equal("writer", row.Str("k8s", "containerName"));
        });
    }

    [Fact]
    public void A_containername_selection_leaves_out_the_io_of_other_containers_and_of_the_host()
    {
        Requires.Root();
        var disk = Own(LoopDisk.Create());
        disk.CreateFile("other", Blocks);
        disk.CreateFile("host", Blocks);
        disk.CreateFile("wanted", Blocks);
        var wanted = Own(DockerContainer.Run(null, null, "-v", $"{disk.MountPoint}:/data"));
        var other = Own(DockerContainer.Run(null, null, "-v", $"{disk.MountPoint}:/data"));
        var session = Own(RunningGadget.StartWithContainers(new BlockIoGadget(), new ContainerSelector { ContainerName = wanted.Name }));

        // dd waits for each direct write: these are done before the wanted container's start.
        other.Exec(DirectWrite("/data/other", Blocks));
        Shell.Run("dd", DirectWrite(Path.Combine(disk.MountPoint, "host"), Blocks)[1..]);
        wanted.Exec(DirectWrite("/data/wanted", 5));

        var totals = BlockIoTotals.WaitFor(session, BlockIoTotals.OnDisk(disk, write: true), 5, "written by the selected container");
        Assert.Equal(5, totals.Ops);
        var rows = session.Frames.SelectMany(f => f.EnumerateArray()).ToList();
        Assert.All(rows, row => Assert.Equal(wanted.Name, row.Str("runtime", "containerName")));
    }

    [Fact]
    public void Rows_are_sorted_by_ops_by_default_and_cut_to_max_rows()
    {
        Requires.Root();
        var disk = Own(LoopDisk.Create());
        disk.CreateFile("f", 48);
        var container = Own(DockerContainer.Run(null, null, "-v", $"{disk.MountPoint}:/data"));
        // One interval of 10 s, then the end (--timeout 10): a single frame with all of it.
        var gadget = new BlockIoGadget();
        var session = Own(RunningGadget.StartWithContainers(gadget, new ContainerSelector { ContainerName = container.Name }, new Gadget.Runtime.RunOptions
        {
            Parameters = RunningGadget.Parameters(gadget, ("interval", "10"), ("max-rows", "1")),
            Timeout = TimeSpan.FromSeconds(10),
        }));
        var started = System.Diagnostics.Stopwatch.StartNew();

        // A read of 3 requests and a write of 40: the write is the row with the most ops (more
        // than reading all of busybox from the image's disk would take, were it not cached).
        container.Exec("sh", "-c", $"{string.Join(' ', DirectRead("/data/f", 3))} && {string.Join(' ', DirectWrite("/data/f", 40))}");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(9), "the workload ended inside the interval");

        session.WaitForEnd(TimeSpan.FromSeconds(30));
        var frame = Assert.Single(session.Frames);
        var row = Assert.Single(frame.EnumerateArray());
        Assert.Equal(40, row.Num("ops"));
        Assert.True(BlockIoTotals.IsWrite(row));
    }
}
