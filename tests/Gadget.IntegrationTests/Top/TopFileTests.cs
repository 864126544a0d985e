using Gadget.Gadgets.Top.Files;
using Gadget.IntegrationTests.Infrastructure;
using Gadget.Runtime;

namespace Gadget.IntegrationTests.Top;

/// <summary>top file against the real kernel, in containers of each runtime: every read and write
/// system call counted once with the bytes it moved, per thread and file, in the container's
/// rows only.</summary>
public sealed class TopFileTests : IDisposable
{
    public void Dispose()
    {
        if (Gadget.Native.Privileges.IsRoot)
            KernelObjects.AssertNoneLoaded();
    }

    // Every hooked system call, with sizes that tell them apart. The helper checks that each call
    // moved exactly its size; the reads stay within what the writes put there.
    private static readonly string[] Operations =
    [
        "write:4096x10", "pwrite:100:0", "writev:3000", "pwritev:50:10", "pwritev2:70:20",
        "seek:0", "read:4096x5", "pread:1000:100", "readv:2000", "preadv:300:7", "preadv2:33:9",
    ];

    private const ulong Writes = 14;
    private const ulong WriteBytes = (10 * 4096) + 100 + 3000 + 50 + 70;
    private const ulong Reads = 9;
    private const ulong ReadBytes = (5 * 4096) + 1000 + 2000 + 300 + 33;

    /// <summary>Runs the helper on a file in the site's container and holds it at its end; returns
    /// its host pid once its counts are final, the output, and the gate that lets it go.</summary>
    private static (int Pid, TopIoRun Output, string Release) RunHeld(TopIoSite site, string file, params string[] operations)
    {
        var gate = site.Gate(Paths.UniqueName("hold"));
        var output = site.Start(["file", "/tmp/" + file, "hold=" + gate.Inside, .. operations]);
        Poll.Until(() => System.IO.File.Exists(gate.OnHost + ".file") || output.IsCompleted, $"topio on {file} to finish its calls", TimeSpan.FromSeconds(30));
        if (output.IsCompleted)
            output.Lines(); // throws what went wrong
        var pids = site.HelperPids();
        Assert.Single(pids);
        return (pids[0], output, gate.OnHost);
    }

    private static List<HelperLine> Release((int Pid, TopIoRun Output, string Release) run)
    {
        System.IO.File.WriteAllText(run.Release, "");
        return run.Output.Lines();
    }

    [Theory]
    [InlineData("docker")]
    [InlineData("ctr")]
    [InlineData("cri")]
    public void Counts_each_read_and_write_call_and_its_exact_bytes_in_the_containers_rows(string runtime)
    {
        Requires.Root();
        using var site = TopIoSite.Start(runtime);
        using var other = TopIoSite.Start("docker");
        using var session = RunningGadget.StartWithContainers(new FileGadget(), site.Selector, ("max-rows", "1000"));
        using var otherSession = RunningGadget.StartWithContainers(new FileGadget(), other.Selector, ("max-rows", "1000"));
        var file = Paths.UniqueName("data");

        var run = RunHeld(site, file, Operations);
        var otherRun = RunHeld(other, "other", "write:10");
        var frames = TopFrames.Through(session);
        var otherFrames = TopFrames.Through(otherSession);
        var done = Release(run).Single(l => l.Verb == "done");
        Release(otherRun);

        Assert.Equal((Reads, Writes, ReadBytes, WriteBytes), ((ulong)done.Int("reads"), (ulong)done.Int("writes"), done.ULong("rbytes"), done.ULong("wbytes")));
        // (The helper's other rows are of the gate file it writes when done.)
        var rows = TopFrames.Rows(frames, r => r.Str("comm") == site.HelperName && r.Str("filename") == file);
        Assert.NotEmpty(rows);
        Assert.All(rows, row =>
        {
            Assert.Equal(run.Pid, row.Num("pid"));
            Assert.Equal(run.Pid, row.Num("tid")); // single-threaded
            Assert.Equal('R', row.Num("fileType"));
            site.AssertAttributed(row, session);
        });
        // Each call once, in whichever interval it fell: the sums over the intervals are exact.
        Assert.Equal(Reads, rows.Sum("reads"));
        Assert.Equal(Writes, rows.Sum("writes"));
        Assert.Equal(ReadBytes, rows.Sum("rbytes"));
        Assert.Equal(WriteBytes, rows.Sum("wbytes"));

        // The other container's session saw its own container and nothing of this one.
        Assert.Empty(TopFrames.Rows(otherFrames, r => r.Str("comm") == site.HelperName));
        var otherRows = TopFrames.Rows(otherFrames, r => r.Str("comm") == other.HelperName && r.Str("filename") == "other");
        Assert.Equal(1ul, otherRows.Sum("writes"));
        Assert.Equal(10ul, otherRows.Sum("wbytes"));
        Assert.Empty(TopFrames.Rows(frames, r => r.Str("comm") == other.HelperName));
    }

    [Fact]
    public void Default_shows_regular_files_only_and_all_files_adds_a_fifo()
    {
        Requires.Root();
        using var site = TopIoSite.Start("docker");
        var fifo = Paths.UniqueName("fifo");
        Shell.Run("mkfifo", Path.Combine(site.Root, "tmp", fifo));
        using var regular = RunningGadget.StartWithContainers(new FileGadget(), site.Selector, ("max-rows", "1000"));
        using var all = RunningGadget.StartWithContainers(new FileGadget(), site.Selector, ("all-files", "true"), ("max-rows", "1000"));

        // A FIFO opened read-write needs no peer: the helper writes into it and reads it back.
        var fifoRun = RunHeld(site, fifo, "write:100x3", "read:150x2");
        Release(fifoRun);
        var fileRun = RunHeld(site, "plain", "write:64");
        var regularFrames = TopFrames.Through(regular);
        var allFrames = TopFrames.Through(all);
        Release(fileRun);

        Assert.Empty(TopFrames.Rows(regularFrames, r => r.Str("filename") == fifo));
        var plain = TopFrames.Rows(regularFrames, r => r.Str("filename") == "plain" && r.Str("comm") == site.HelperName);
        Assert.Equal(64ul, plain.Sum("wbytes"));

        var fifoRows = TopFrames.Rows(allFrames, r => r.Str("filename") == fifo);
        Assert.NotEmpty(fifoRows);
        Assert.All(fifoRows, row =>
        {
            Assert.Equal('O', row.Num("fileType"));
            Assert.Equal(fifoRun.Pid, row.Num("pid"));
            site.AssertAttributed(row, all);
        });
        Assert.Equal((3ul, 300ul, 2ul, 300ul), (fifoRows.Sum("writes"), fifoRows.Sum("wbytes"), fifoRows.Sum("reads"), fifoRows.Sum("rbytes")));
        Assert.Equal(64ul, TopFrames.Rows(allFrames, r => r.Str("filename") == "plain" && r.Str("comm") == site.HelperName).Sum("wbytes"));
    }

    [Fact]
    public void Max_rows_cuts_each_interval_to_its_top_rows()
    {
        Requires.Root();
        using var site = TopIoSite.Start("docker");
        using var session = RunningGadget.StartWithContainers(new FileGadget(), site.Selector, ("max-rows", "2"));
        var start = site.Gate(Paths.UniqueName("go"));

        // Four processes, 1 to 4 reads each of a file of their own, let go at once.
        var runs = Enumerable.Range(1, 4).Select(reads =>
        {
            var gate = site.Gate(Paths.UniqueName("hold"));
            return (Gate: gate, Output: site.Start("file", $"/tmp/f{reads}", "start=" + start.Inside, "hold=" + gate.Inside, "write:8", "seek:0", $"read:2x{reads}"));
        }).ToList();
        System.IO.File.WriteAllText(start.OnHost, "");
        foreach (var run in runs)
            Poll.Until(() => System.IO.File.Exists(run.Gate.OnHost + ".file"), "each helper to finish", TimeSpan.FromSeconds(30));
        var frames = TopFrames.Through(session);
        foreach (var run in runs)
        {
            System.IO.File.WriteAllText(run.Gate.OnHost, "");
            run.Output.Lines();
        }

        Assert.All(frames, frame => Assert.True(frame.GetArrayLength() <= 2, $"a frame of {frame.GetArrayLength()} rows: {frame}"));
        // Four rows fell into at most two intervals: one of them had at least two to show.
        Assert.Contains(frames, frame => frame.GetArrayLength() == 2);
        foreach (var frame in frames)
        {
            var reads = frame.EnumerateArray().Select(r => r.Count("reads")).ToList();
            Assert.Equal(reads.OrderDescending(), reads);
        }
    }

    [Fact]
    public void The_entry_programs_remember_descriptors_where_registers_cannot_be_read_at_exit()
    {
        Requires.Root();
        using var site = TopIoSite.Start("docker");
        var file = Paths.UniqueName("data");
        var options = new RunOptions { Parameters = RunningGadget.Parameters(new FileGadget(), ("max-rows", "1000")) };
        // Kernels before 5.15 (no bpf_task_pt_regs) and before 6.2 (no bpf_rdonly_cast) take these paths.
        using var session = RunningGadget.StartWithContainers(new FileGadget { WithRegisters = false, WithCast = false }, site.Selector, options);

        var run = RunHeld(site, file, Operations);
        var frames = TopFrames.Through(session);
        Release(run);

        var rows = TopFrames.Rows(frames, r => r.Str("comm") == site.HelperName && r.Str("filename") == file);
        Assert.All(rows, row => Assert.Equal(run.Pid, row.Num("tid")));
        Assert.Equal((Reads, Writes, ReadBytes, WriteBytes), (rows.Sum("reads"), rows.Sum("writes"), rows.Sum("rbytes"), rows.Sum("wbytes")));
    }
}
