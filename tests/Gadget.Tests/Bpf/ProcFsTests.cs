using Gadget.Native;
using Gadget.Containers.Procfs;

namespace Gadget.Tests.Bpf;

/// <summary>The /proc reads of the periodic container sweep (pids, then each one's mount
/// namespace): right, and free of garbage.</summary>
[Collection(nameof(AllocationMeasurements))]
public sealed class ProcFsTests
{
    [Fact]
    public void Lists_the_processes_of_proc()
    {
        var pids = new int[2]; // too small: it must grow
        var count = ProcFs.ListPids(ref pids);

        var expected = Directory.EnumerateDirectories("/proc").Select(d => Path.GetFileName(d)).Where(n => n.All(char.IsAsciiDigit)).Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        Assert.Contains(Environment.ProcessId, pids[..count]);
        Assert.Subset(expected, pids[..count].Where(p => Directory.Exists($"/proc/{p}")).ToHashSet());
        Assert.True(count >= expected.Count - 5, $"{count} pids listed, {expected.Count} in /proc");
    }

    [Fact]
    public void Reads_a_namespace_link_as_its_inode()
    {
        Assert.True(ProcNamespaces.TryGetMountNamespace(Environment.ProcessId, out var inode));
        var target = new FileInfo($"/proc/{Environment.ProcessId}/ns/mnt").LinkTarget;
        Assert.Equal($"mnt:[{inode}]", target);
        Assert.False(ProcNamespaces.TryGetMountNamespace(int.MaxValue, out _));
    }

    [Fact]
    public void Reading_every_process_allocates_nothing_per_process()
    {
        var pids = new int[4096];
        ProcFs.ListPids(ref pids);
        ProcNamespaces.TryGetMountNamespace(Environment.ProcessId, out _);

        var count = 0;
        var listing = AllocationMeter.Measure(() => count = ProcFs.ListPids(ref pids));
        var reading = AllocationMeter.Measure(() =>
        {
            for (var i = 0; i < count; i++)
                ProcNamespaces.TryGetMountNamespace(pids[i], out _);
        });

        Assert.Equal((0L, 0L), (listing, reading));
    }
}
