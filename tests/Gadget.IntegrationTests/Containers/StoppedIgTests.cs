using System.Globalization;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Containers;

/// <summary>An ig that does not run — stopped by SIGSTOP, frozen by the cgroup freezer — slows no
/// container start on the machine: nothing of the workload waits on ig. While ig runs, a new
/// container's first exec is attributed, before and after.</summary>
public sealed class StoppedIgTests
{
    [Fact]
    public void A_stopped_ig_does_not_slow_container_starts()
    {
        Requires.Root();
        var bound = ContainerStarts.MeasureBound();
        using var ig = StartTracing();
        AssertFirstExecAttributed(ig, "before SIGSTOP");

        ig.Signal("STOP");
        try
        {
            Assert.Equal('T', ProcessState(ig.Pid));
            ContainerStarts.AssertWithin(bound, "with ig stopped by SIGSTOP");
            Assert.Equal('T', ProcessState(ig.Pid));
        }
        finally
        {
            ig.Signal("CONT");
        }
        AssertFirstExecAttributed(ig, "after SIGCONT");
    }

    [Fact]
    public void A_frozen_ig_does_not_slow_container_starts()
    {
        Requires.Root();
        var bound = ContainerStarts.MeasureBound();
        using var ig = StartTracing();
        AssertFirstExecAttributed(ig, "before freezing");

        using (var freezer = FreezerCgroup.Create())
        {
            freezer.Add(ig.Pid);
            freezer.Freeze();
            try
            {
                ContainerStarts.AssertWithin(bound, "with ig frozen by the cgroup freezer");
                Assert.True(freezer.IsFrozen, "ig was thawed during the starts");
            }
            finally
            {
                freezer.Thaw();
            }
        }
        AssertFirstExecAttributed(ig, "after thawing");
    }

    private static IgProcess StartTracing()
    {
        var ig = IgProcess.Start("trace", "exec", "--verbose");
        try
        {
            ig.WaitForLine(l => l.Contains("PCOMM", StringComparison.Ordinal), "with the header");
            // The kernel side of the runc watcher is what lets a start go on without ig.
            Assert.Contains("for new containers", ig.ErrorText, StringComparison.Ordinal);
            return ig;
        }
        catch
        {
            ig.Dispose();
            throw;
        }
    }

    private static void AssertFirstExecAttributed(IgProcess ig, string when)
    {
        var name = Paths.UniqueName("igt-first");
        var marker = $"first-{Guid.NewGuid():N}";
        using (DockerContainer.Run(name, ["/bin/echo", marker]))
        {
            var line = ig.WaitForLine(l => l.Contains(marker, StringComparison.Ordinal), $"for the first exec of a container started {when}");
            Assert.StartsWith(name + " ", line);
        }
    }

    /// <summary>The state letter of /proc/PID/stat (T: stopped).</summary>
    private static char ProcessState(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        return stat[stat.LastIndexOf(')') + 2];
    }

    /// <summary>A cgroup v2 of the test's own in which processes can be frozen (cgroup.freeze).</summary>
    private sealed class FreezerCgroup : IDisposable
    {
        private static readonly string Root = File.Exists("/sys/fs/cgroup/unified/cgroup.procs") ? "/sys/fs/cgroup/unified" : "/sys/fs/cgroup";
        private readonly string _path;

        private FreezerCgroup(string path) => _path = path;

        public static FreezerCgroup Create()
        {
            var path = Path.Combine(Root, "igt-freeze-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(path);
            return new FreezerCgroup(path);
        }

        public bool IsFrozen => File.ReadAllLines(Path.Combine(_path, "cgroup.events")).Contains("frozen 1");

        public void Add(int pid) => File.WriteAllText(Path.Combine(_path, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));

        public void Freeze()
        {
            File.WriteAllText(Path.Combine(_path, "cgroup.freeze"), "1");
            Poll.Until(() => IsFrozen, "the cgroup to be frozen");
        }

        public void Thaw()
        {
            File.WriteAllText(Path.Combine(_path, "cgroup.freeze"), "0");
            Poll.Until(() => !IsFrozen, "the cgroup to thaw");
        }

        public void Dispose()
        {
            // Back to the parent, then the empty cgroup can go.
            foreach (var pid in File.ReadAllLines(Path.Combine(_path, "cgroup.procs")))
                File.WriteAllText(Path.Combine(Root, "cgroup.procs"), pid);
            Directory.Delete(_path);
        }
    }
}
