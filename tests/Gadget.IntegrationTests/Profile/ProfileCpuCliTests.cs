using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Profile;

/// <summary>profile cpu through the published ig binary: the reference's text report, JSON
/// lines, folded stacks, and the flame graph SVG opened in headless Chromium.</summary>
public sealed partial class ProfileCpuCliTests : IDisposable
{
    private readonly string _dir = Paths.NewTempDirectory();

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        if (Gadget.Native.Privileges.IsRoot)
            KernelObjects.AssertNoneLoaded();
    }

    private static (string[] Lines, string Error) Ig(BurningContainer container, params string[] args)
    {
        var (exitCode, output, error) = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromMinutes(1),
            ["profile", "cpu", "-c", container.Name, "--timeout", "3", .. args]);
        Assert.True(exitCode == 0, $"ig failed ({exitCode}): {error}");
        return (output.Split('\n', StringSplitOptions.RemoveEmptyEntries), error);
    }

    [Fact]
    public void Columns_show_each_stack_under_its_row_root_first()
    {
        Requires.Root();
        using var container = BurningContainer.Start("docker", "user");

        var (lines, error) = Ig(container);

        Assert.Equal(["CONTAINER", "COMM", "PID", "COUNT"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var pid = container.Pid.ToString(CultureInfo.InvariantCulture);
        // The hottest stack comes last (fewest samples first); its frames follow its row, one
        // a line behind a tab, from the root down to the leaf.
        var rows = lines.Select((line, index) => (line, index)).Where(l => !l.line.StartsWith('\t')).Skip(1).ToList();
        Assert.All(rows, r => Assert.Equal([container.Name, CpuBurner.Comm, pid], r.line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..3]));
        var last = rows[^1].index;
        var frames = lines[(last + 1)..].Select(l => l.TrimStart('\t')).ToArray();
        Assert.All(lines[(last + 1)..], l => Assert.StartsWith("\t", l, StringComparison.Ordinal));
        Assert.Equal(["main", "outer_loop", "hot_inner"], frames[^3..]);
        Assert.Matches(@"^ig: 1 frame \(\d+ rows?\), 0 lost$", error.Trim());
    }

    [Fact]
    public void Json_is_one_object_a_line_with_the_reference_fields()
    {
        Requires.Root();
        using var container = BurningContainer.Start("containerd", "user");

        var (lines, _) = Ig(container, "-o", "json");

        var rows = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(rows, r => Assert.Equal(JsonValueKind.Object, r.ValueKind));
        var hottest = rows[^1];
        Assert.Equal(CpuBurner.Comm, hottest.Str("comm"));
        Assert.Equal(container.Pid, hottest.Num("pid"));
        Assert.Equal(container.Name, hottest.Str("runtime", "containerName"));
        Assert.Equal(["hot_inner", "outer_loop", "main"], hottest.Strings("userStack")[..3]);
        Assert.Equal(rows.Max(r => r.Num("count")), hottest.Num("count"));
    }

    [GeneratedRegex(@"^(?<stack>[^ ].*) (?<count>[0-9]+)$")]
    private static partial Regex FoldedLine();

    [Fact]
    public void Folded_lines_parse_and_the_hot_function_dominates()
    {
        Requires.Root();
        using var container = BurningContainer.Start("cri", "user");

        var (lines, error) = Ig(container, "-o", "folded");

        var stacks = lines.Select(line =>
        {
            var match = FoldedLine().Match(line);
            Assert.True(match.Success, $"not a folded line: {line}");
            var frames = match.Groups["stack"].Value.Split(';');
            Assert.All(frames, f => Assert.NotEqual("", f));
            return (Frames: frames, Count: long.Parse(match.Groups["count"].Value, CultureInfo.InvariantCulture));
        }).ToList();
        // Each line is a distinct stack, the command first, then the root down to the leaf.
        Assert.Equal(stacks.Count, stacks.Select(s => string.Join(';', s.Frames)).Distinct().Count());
        var burner = stacks.Where(s => s.Frames[0] == CpuBurner.Comm).ToList();
        var hot = burner.Where(s => s.Frames[^1] == "hot_inner").ToList();
        Assert.Contains(hot, s => s.Frames.AsSpan(s.Frames.Length - 3).SequenceEqual(["main", "outer_loop", "hot_inner"]));
        Assert.True(hot.Sum(s => s.Count) * 10 >= burner.Sum(s => s.Count) * 9, string.Join('\n', lines));
        Assert.Matches(@"^ig: 1 frame \(\d+ rows?\), 0 lost$", error.Trim());
    }

    [Fact]
    public void The_flame_graph_renders_in_a_browser_and_zooms_on_click()
    {
        Requires.Root();
        using var container = BurningContainer.Start("docker", "user");
        var svg = Path.Combine(_dir, "cpu.svg");

        Ig(container, "--flamegraph", svg, "-o", "json");

        var text = File.ReadAllText(svg);
        foreach (var frame in (string[])["hot_inner", "outer_loop", "main", CpuBurner.Comm])
            Assert.Contains($"<title>{frame} (", text, StringComparison.Ordinal);
        var (coloured, total) = Png.CountColoured(Chromium.Screenshot(svg));
        Assert.True(total == 1200 * 800, $"a {total}-pixel screenshot");
        // The frames are drawn: a sizeable share of the picture is neither white nor empty.
        Assert.True(coloured > total / 100, $"only {coloured} of {total} pixels are coloured");

        // Click outer_loop, hover hot_inner: the zoomed frame takes the whole width, the
        // reset button shows, and the details line names the hovered frame.
        var probe = Path.Combine(_dir, "probe.svg");
        File.WriteAllText(probe, text.Replace("</svg>", """
            <script type="text/ecmascript"><![CDATA[
            (function () {
              function frame(name) { var gs = document.getElementById("frames").getElementsByTagName("g");
                for (var i = 0; i < gs.length; i++) if (gs[i].getAttribute("data-n") === name) return gs[i]; }
              frame("outer_loop").dispatchEvent(new MouseEvent("click", { bubbles: true }));
              frame("hot_inner").dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
              document.documentElement.setAttribute("data-probe", [
                frame("outer_loop").getElementsByTagName("rect")[0].getAttribute("width"),
                document.getElementById("reset").classList.contains("hidden") ? "no-reset" : "reset",
                document.getElementById("details").textContent].join("|"));
            })();
            ]]></script>
            </svg>
            """, StringComparison.Ordinal));
        var dom = Chromium.DumpDom(probe);
        var probed = Regex.Match(dom, "data-probe=\"([^\"]*)\"");
        Assert.True(probed.Success, dom[..Math.Min(dom.Length, 2000)]);
        var parts = probed.Groups[1].Value.Split('|');
        Assert.Equal("1180.00", parts[0]);
        Assert.Equal("reset", parts[1]);
        Assert.Matches(@"^Function: hot_inner \(\d+ samples, \d+\.\d\d%\)$", parts[2]);
    }
}
