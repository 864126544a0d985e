using System.Globalization;
using System.Text.Json;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Top;

/// <summary>The block-io gadgets as users run them: the published binary, `ig biotop` from the
/// top of the command tree, the profile's report printed when it is stopped with Ctrl-C.</summary>
public sealed class BlockIoCliTests : OwningTest
{
    private static string[] DirectWrite(string path, int blocks) =>
        ["dd", "if=/dev/zero", $"of={path}", $"bs={LoopDisk.BlockSize}", $"count={blocks.ToString(CultureInfo.InvariantCulture)}", "oflag=direct", "conv=notrunc"];

    private IgProcess StartAttached(params string[] args)
    {
        var ig = Own(IgProcess.Start([.. args, "--verbose"]));
        Poll.Until(() => ig.ErrorText.Contains(" attached ", StringComparison.Ordinal), $"ig {string.Join(' ', args)} to attach; stderr: {ig.ErrorText}", TimeSpan.FromSeconds(30));
        return ig;
    }

    [Fact]
    public void Biotop_at_the_top_level_shows_a_containers_writes_per_interval()
    {
        Requires.Root();
        var disk = Own(LoopDisk.Create());
        disk.CreateFile("f", 11);
        var container = Own(DockerContainer.Run(null, null, "-v", $"{disk.MountPoint}:/data"));
        var ig = StartAttached("biotop", "-c", container.Name, "-o", "json");

        container.Exec(DirectWrite("/data/f", 11));

        var rows = new List<JsonElement>();
        Poll.Until(() =>
        {
            rows = ig.Lines.ToList().Select(l => JsonDocument.Parse(l).RootElement).Where(f => f.ValueKind == JsonValueKind.Array).SelectMany(f => f.EnumerateArray())
                .Where(r => r.Num("major") == disk.Major && r.Num("minor") == disk.Minor).Select(r => r.Clone()).ToList();
            return rows.Sum(r => r.Num("ops")) >= 11;
        }, "the dd's 11 writes", TimeSpan.FromSeconds(20));
        Assert.Equal(11, rows.Sum(r => r.Num("ops")));
        Assert.All(rows, r =>
        {
            Assert.Equal(container.Name, r.Str("runtime", "containerName"));
            Assert.Equal("dd", r.Str("comm"));
            Assert.True(r.GetProperty("write").GetBoolean());
        });
    }

    [Fact]
    public void Profile_block_io_prints_the_histogram_of_each_disk_when_interrupted()
    {
        Requires.Root();
        var disk = Own(LoopDisk.Create());
        disk.CreateFile("f", 9);
        var container = Own(DockerContainer.Run(null, null, "-v", $"{disk.MountPoint}:/data"));
        var ig = StartAttached("profile", "block-io", "-c", container.Name, "-D");

        container.Exec(DirectWrite("/data/f", 9));
        ig.Signal("INT");

        Assert.Equal(0, ig.WaitForExit(TimeSpan.FromSeconds(30)));
        var lines = ig.Lines.ToList();
        var at = lines.IndexOf($"disk = {disk.Name}");
        Assert.True(at >= 0, string.Join('\n', lines));
        Assert.Equal("        µs               : count    distribution", lines[at + 1]);
        var bars = lines.Skip(at + 2).TakeWhile(l => l.Contains(" -> ", StringComparison.Ordinal)).ToList();
        Assert.Equal(9, bars.Sum(l => long.Parse(l.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture)));
        Assert.All(bars, l => Assert.Matches(@"^ {0,9}\d+ -> \d+ +: \d+ +\|\**\s*\|$", l));
        Assert.Contains(bars, l => l.Contains("|****************************************|", StringComparison.Ordinal));
    }
}
