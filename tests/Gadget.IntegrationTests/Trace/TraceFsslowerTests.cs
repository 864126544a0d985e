using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gadget.Gadgets.Trace.Fsslower;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Trace;

/// <summary>trace fsslower against the real kernel: the fsops helper performs known reads,
/// writes, opens and fsyncs (made slow on demand with userfaultfd), on files of known file
/// systems, and each event's fields are checked.</summary>
public sealed class TraceFsslowerTests : OwningTest
{
    private const string Tmpfs = "/dev/shm";

    // On the root file system (ext4 here) and on tmpfs; unique names keep other runs' files out.
    private readonly string _dir;
    private readonly string _shmDir;

    public TraceFsslowerTests()
    {
        _dir = OwnTempDirectory();
        _shmDir = OwnTempDirectory(Tmpfs);
    }

    /// <summary>What a trigger ran as, for the attribution checks (Pid 0: not known on the host).</summary>
    private readonly record struct Run(long Pid, ulong MountNamespace);

    /// <summary>Runs fsops on a path (see Helpers/fsops.c); in a real container later, through a
    /// runtime's exec, without changing the assertions.</summary>
    private static Run FsOps(string path, params string[] ops) => ParseRun(Shell.Run(Helpers.FsOps, [path, .. ops]));

    private static Run ParseRun(string output)
    {
        var match = Regex.Match(output, @"pid=(\d+) mntns=(\d+)");
        Assert.True(match.Success, $"fsops printed: {output}");
        return new Run(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), ulong.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>The kernel's type name of the file system holding a path (what --filesystem takes;
    /// `stat -f` would say "ext2/ext3" for ext4).</summary>
    private static string FileSystemOf(string path) =>
        Shell.Run("findmnt", "-n", "-o", "FSTYPE", "--target", path).Trim().Split('\n')[^1]; // the top of stacked mounts

    private static RunningGadget Start(string fileSystem, uint minMs, FsslowerGadget? gadget = null) =>
        RunningGadget.Start(gadget ?? new FsslowerGadget(), ("filesystem", fileSystem), ("min", minMs.ToString(CultureInfo.InvariantCulture)));

    private static List<JsonElement> EventsFor(RunningGadget session, string file) =>
        session.Records.Where(r => r.IsEvent() && r.Str("file") == file).ToList();

    private static void AssertOp(JsonElement e, Run run, string op, long bytes, long offset)
    {
        Assert.Equal(op, e.Str("op"));
        Assert.Equal(bytes, e.Num("bytes"));
        Assert.Equal(offset, e.Num("offset"));
        if (run.Pid != 0)
            Assert.Equal(run.Pid, e.Num("pid"));
        Assert.Equal("fsops", e.Str("comm"));
        Assert.Equal(run.MountNamespace, (ulong)e.Num("mountnsid"));
    }

    /// <summary>Both program variants: struct file read through BTF pointers (kernels 6.2+,
    /// the default here) and with probe reads (older kernels).</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Reports_every_read_write_open_and_fsync_with_its_size_and_offset(bool castFields)
    {
        Requires.Root();
        var path = Path.Combine(_dir, "data-" + Guid.NewGuid().ToString("N")[..8]);
        var name = Path.GetFileName(path);
        using var session = Start(FileSystemOf(_dir), minMs: 0, new FsslowerGadget(castFields));

        var run = FsOps(path, "open", "write:4096", "pwrite:100:8192", "seek:0", "read:4096", "pread:50:8192",
            "writev:300", "readv:200", "pwritev2:10:20000", "preadv2:10:20000", "fdatasync", "fsync", "close");
        var created = FsOps(path + ".new", "creat", "close");
        FsOps(_dir, "openro", "close"); // a directory: no file operation of the file system

        session.WaitFor(e => e.Str("file") == name + ".new", "for the creat");
        session.WaitFor(_ => EventsFor(session, name).Count >= 11, "for the 11 operations");
        var events = EventsFor(session, name);
        Assert.Collection(events,
            e => AssertOp(e, run, "O", 0, 0),
            e => AssertOp(e, run, "W", 4096, 0),
            e => AssertOp(e, run, "W", 100, 8192),
            e => AssertOp(e, run, "R", 4096, 0),
            e => AssertOp(e, run, "R", 50, 8192),
            e => AssertOp(e, run, "W", 300, 4096),
            e => AssertOp(e, run, "R", 200, 4396),
            e => AssertOp(e, run, "W", 10, 20000),
            e => AssertOp(e, run, "R", 10, 20000),
            e => AssertOp(e, run, "F", long.MaxValue, 0),
            e => AssertOp(e, run, "F", long.MaxValue, 0));
        AssertOp(EventsFor(session, name + ".new").Single(), created, "O", 0, 0);
        session.Stop();
        Assert.Empty(EventsFor(session, Path.GetFileName(_dir)));
    }

    [Fact]
    public void The_file_system_filter_keeps_only_its_type()
    {
        Requires.Root();
        var rootType = FileSystemOf(_dir);
        Assert.Equal("tmpfs", FileSystemOf(_shmDir));
        Assert.NotEqual("tmpfs", rootType);
        var onDisk = Path.Combine(_dir, "disk-" + Guid.NewGuid().ToString("N")[..8]);
        var inMemory = Path.Combine(_shmDir, "shm-" + Guid.NewGuid().ToString("N")[..8]);
        using var tmpfs = Start("tmpfs", minMs: 0);
        using var disk = Start(rootType, minMs: 0);

        FsOps(onDisk, "open", "write:64", "seek:0", "read:64", "fsync");
        FsOps(inMemory, "open", "write:64", "seek:0", "read:64", "fsync");

        tmpfs.WaitFor(_ => EventsFor(tmpfs, Path.GetFileName(inMemory)).Count == 4, "for the tmpfs file's 4 operations");
        disk.WaitFor(_ => EventsFor(disk, Path.GetFileName(onDisk)).Count == 4, "for the disk file's 4 operations");
        tmpfs.Stop();
        Assert.Empty(EventsFor(tmpfs, Path.GetFileName(onDisk)));
        Assert.Empty(EventsFor(disk, Path.GetFileName(inMemory)));
    }

    [Fact]
    public void Min_latency_reports_only_the_slower_operations()
    {
        Requires.Root();
        var path = Path.Combine(_dir, "slow-" + Guid.NewGuid().ToString("N")[..8]);
        var name = Path.GetFileName(path);
        using var session = Start(FileSystemOf(_dir), minMs: 150);

        // Fast: an open, a write to the page cache, a read from it. Slow: a read and a write
        // whose user buffer arrives 400 and 300 ms late (userfaultfd).
        var run = FsOps(path, "open", "write:16384", "seek:0", "read:4096", "slowread:4096:400", "seek:0", "slowwrite:4096:300", "close");

        session.WaitFor(_ => EventsFor(session, name).Count >= 2, "for the two slow operations");
        session.Stop();
        var events = EventsFor(session, name);
        Assert.Collection(events,
            e =>
            {
                AssertOp(e, run, "R", 4096, 4096);
                Assert.InRange(e.Num("latency"), 400_000, 10_000_000);
            },
            e =>
            {
                AssertOp(e, run, "W", 4096, 0);
                Assert.InRange(e.Num("latency"), 300_000, 10_000_000);
            });
    }

    [Fact]
    public void Overlay_files_count_as_overlay_and_as_the_file_system_under_it()
    {
        Requires.Root();
        var rootType = FileSystemOf(_dir);
        foreach (var sub in (string[])["lower", "upper", "work", "merged", "tmp"])
            Directory.CreateDirectory(Path.Combine(_dir, sub));
        File.WriteAllText(Path.Combine(_dir, "lower", "layered"), "abc");
        using var overlay = Start("overlay", minMs: 0);
        using var disk = Start(rootType, minMs: 0);
        using var tmpfs = Start("tmpfs", minMs: 0);

        // Like a container: a private mount namespace with an overlay on the disk, and one
        // whose layers are on a tmpfs. Both go away with the namespace.
        var script = $"""
            set -e
            d={_dir}
            mount -t overlay overlay -o lowerdir=$d/lower,upperdir=$d/upper,workdir=$d/work $d/merged
            mount -t tmpfs tmpfs $d/tmp
            mkdir $d/tmp/lower $d/tmp/upper $d/tmp/work $d/tmp/merged
            echo xyz > $d/tmp/lower/inmemory
            mount -t overlay overlay -o lowerdir=$d/tmp/lower,upperdir=$d/tmp/upper,workdir=$d/tmp/work $d/tmp/merged
            {Helpers.FsOps} $d/merged/layered openro read:3
            {Helpers.FsOps} $d/tmp/merged/inmemory openro read:4
            """;
        var runs = Regex.Matches(Shell.Run("unshare", "-m", "--propagation", "private", "sh", "-c", script), @"pid=\d+ mntns=\d+")
            .Select(m => ParseRun(m.Value)).ToArray();
        Assert.Equal(2, runs.Length);
        Assert.NotEqual(OwnMountNamespace(), runs[0].MountNamespace);

        foreach (var (session, filter, file, run) in new[]
                 {
                     (overlay, "overlay", "layered", runs[0]), (disk, rootType, "layered", runs[0]),
                     (overlay, "overlay", "inmemory", runs[1]), (tmpfs, "tmpfs", "inmemory", runs[1]),
                 })
        {
            session.WaitFor(_ => EventsFor(session, file).Count(e => e.Num("pid") == run.Pid) == 2, $"for {file} with -f {filter}");
            var events = EventsFor(session, file).Where(e => e.Num("pid") == run.Pid).ToList();
            AssertOp(events[0], run, "O", 0, 0);
            AssertOp(events[1], run, "R", file == "layered" ? 3 : 4, 0);
        }
        disk.Stop();
        Assert.Empty(EventsFor(disk, "inmemory"));
        Assert.Empty(EventsFor(tmpfs, "layered"));
    }

    [Fact]
    public void Container_io_is_attributed_and_counts_as_the_file_system_under_its_overlay()
    {
        Requires.Root();
        var helper = Helpers.FsOps;
        var backing = FileSystemOf("/var/lib/docker");
        using var container = DockerContainer.Run(dockerOptions: ["-v", $"{Path.GetDirectoryName(helper)}:/igt-helpers:ro"]);
        using var disk = RunningGadget.StartWithContainers(new FsslowerGadget(), new Gadget.Containers.ContainerSelector(), ("filesystem", backing), ("min", "0"));
        using var overlay = RunningGadget.StartWithContainers(new FsslowerGadget(), new Gadget.Containers.ContainerSelector(), ("filesystem", "overlay"), ("min", "0"));
        var name = "data-" + Guid.NewGuid().ToString("N")[..8];

        // In the container's own root, on the overlay over /var/lib/docker.
        var run = ParseRun(container.Exec("/igt-helpers/" + Path.GetFileName(helper), "/" + name, "open", "write:4096", "pread:100:1000", "fsync"))
            with { Pid = 0 }; // getpid() in the container's pid namespace: not the pid events carry
        FsOps(Path.Combine(_dir, name), "open", "write:1"); // the same name on the host: not a container's

        var mntns = disk.Containers!.FindById(container.Id)!.MntnsId;
        Assert.Equal(mntns, run.MountNamespace);
        foreach (var (session, filter) in new[] { (disk, backing), (overlay, "overlay") })
        {
            session.WaitFor(_ => EventsFor(session, name).Count >= 4, $"for the container's 4 operations with -f {filter}");
            session.Stop();
            var events = EventsFor(session, name);
            Assert.Collection(events,
                e => AssertOp(e, run, "O", 0, 0),
                e => AssertOp(e, run, "W", 4096, 0),
                e => AssertOp(e, run, "R", 100, 1000),
                e => AssertOp(e, run, "F", long.MaxValue, 0));
            Assert.All(events, e =>
            {
                Assert.Equal("docker", e.Str("runtime", "runtimeName"));
                Assert.Equal(container.Name, e.Str("runtime", "containerName"));
            });
        }
    }

    [Fact]
    public void The_binary_prints_the_reference_columns()
    {
        Requires.Root();
        var path = Path.Combine(_dir, "cols-" + Guid.NewGuid().ToString("N")[..8]);
        using var ig = IgProcess.Start("trace", "fsslower", "--host", "-m", "0", "-f", FileSystemOf(_dir));
        ig.WaitForLine(l => l.Contains("OFFSET", StringComparison.Ordinal), "with the header");

        var run = FsOps(path, "open", "write:123", "pwrite:7:5000");

        // The placement columns come first (blank for the host): CONTAINER, or NAMESPACE POD
        // CONTAINER while pods run on this machine (another test run's); then the reference's columns.
        Assert.EndsWith("CONTAINER                PID COMM             T      BYTES     OFFSET        LAT FILE", ig.Lines.First());
        var name = Path.GetFileName(path);
        var write = ig.WaitForLine(l => l.EndsWith(name, StringComparison.Ordinal) && l.Contains(" 5000 ", StringComparison.Ordinal), "for the pwrite");
        Assert.Matches($@"^ +{run.Pid} fsops +W +7 +5000 +\d+ {name}$", write);
        ig.Signal("INT");
        Assert.Equal(0, ig.WaitForExit());
    }

    [Theory]
    [InlineData("Error: invalid value \"ext5\" for --filesystem: not a file system type of this kernel", "-f", "ext5")]
    [InlineData("Error: invalid value \"ten\" for --min: expected a whole number from 0 to 4294967295", "--min", "ten")]
    [InlineData("Error: invalid value \"-1\" for --min: expected a whole number from 0 to 4294967295", "-m", "-1")]
    public void Bad_flags_are_one_error_line_and_load_nothing(string start, params string[] flags)
    {
        Requires.Root();
        var result = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(15), ["trace", "fsslower", .. flags]);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith(start, Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    private static ulong OwnMountNamespace() => TraceExecTests.OwnMountNamespace();
}
