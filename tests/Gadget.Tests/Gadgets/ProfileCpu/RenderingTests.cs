using System.Globalization;
using System.Xml.Linq;
using Gadget.Gadgets.Profile.Cpu.Rendering;

namespace Gadget.Tests.Gadgets.ProfileCpu;

/// <summary>Folded stacks and the flame graph SVG, from stacks made by hand.</summary>
public class RenderingTests
{
    // Leaf first, as the kernel gives them.
    private static readonly SampledStack[] Stacks =
    [
        new("burn", ["hot_inner", "outer_loop", "main"], [], 90),
        new("burn", ["cold", "main"], [], 5),
        new("burn", ["write", "main"], ["vfs_write", "do_syscall_64", "entry_SYSCALL_64"], 4),
        new("burn", ["hot_inner", "outer_loop", "main"], [], 10), // another process, same command
        new("other;x", ["f\nn"], [], 1),
    ];

    private static string Folded(IEnumerable<SampledStack> stacks)
    {
        var output = new StringWriter();
        FoldedStacks.Write(stacks, output);
        return output.ToString();
    }

    [Fact]
    public void Folded_lines_go_root_first_user_then_kernel_and_merge_equal_stacks()
    {
        var lines = Folded(Stacks).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(
        [
            "burn;main;cold 5",
            "burn;main;outer_loop;hot_inner 100",
            "burn;main;write;entry_SYSCALL_64;do_syscall_64;vfs_write 4",
            "other:x;f?n 1",
        ], lines);
    }

    [Fact]
    public void Folded_lines_parse_as_flamegraph_pl_reads_them()
    {
        foreach (var line in Folded(Stacks).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var space = line.LastIndexOf(' ');
            Assert.True(ulong.TryParse(line[(space + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0, line);
            Assert.All(line[..space].Split(';'), frame => Assert.NotEqual("", frame));
        }
        Assert.Equal("", Folded([]));
    }

    private static XDocument Svg(IEnumerable<SampledStack> stacks, out string text)
    {
        var output = new StringWriter();
        FlameGraphSvg.Write(stacks, output, "CPU <profile>", "110 samples");
        text = output.ToString();
        return XDocument.Parse(text);
    }

    private static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    [Fact]
    public void The_svg_has_a_frame_per_node_with_its_share_and_width()
    {
        var svg = Svg(Stacks, out _);
        var frames = svg.Descendants(Ns + "g").Where(g => (string?)g.Attribute("class") == "f").ToList();
        var byName = frames.ToDictionary(g => (string)g.Attribute("data-n")!);

        // all, 2 commands, then the merged tree: main, outer_loop, hot_inner, cold, write and 3 kernel frames, f?n.
        Assert.Equal(12, frames.Count);
        Assert.Equal("hot_inner (100 samples, 90.91%)", byName["hot_inner"].Element(Ns + "title")!.Value);
        Assert.Equal("all (110 samples, 100.00%)", byName["all"].Element(Ns + "title")!.Value);
        double Width(string name) => double.Parse(byName[name].Element(Ns + "rect")!.Attribute("width")!.Value, CultureInfo.InvariantCulture);
        Assert.Equal(FlameGraphSvg.Width - 20, Width("all"), 0.01);
        Assert.Equal((FlameGraphSvg.Width - 20) * 100.0 / 110, Width("hot_inner"), 0.01);
        // The root at the bottom, each callee a row above its caller.
        double Y(string name) => double.Parse(byName[name].Element(Ns + "rect")!.Attribute("y")!.Value, CultureInfo.InvariantCulture);
        Assert.True(Y("all") > Y("burn") && Y("burn") > Y("main") && Y("main") > Y("outer_loop") && Y("outer_loop") > Y("hot_inner"));
        Assert.Equal(Y("write") - 16 * 3, Y("vfs_write"));
        Assert.Equal("hot_inner", byName["hot_inner"].Element(Ns + "text")!.Value);
        Assert.Equal("f?n", byName["f?n"].Element(Ns + "title")!.Value[..3]);
    }

    [Fact]
    public void The_svg_is_self_contained_and_escapes_names()
    {
        var svg = Svg([new("a&b", ["<f>\"'"], [], 3)], out var text);

        Assert.Equal("CPU <profile>", svg.Descendants(Ns + "text").First(t => (string?)t.Attribute("id") == "title").Value);
        Assert.Contains(svg.Descendants(Ns + "title"), t => t.Value.StartsWith("<f>\"' (3 samples", StringComparison.Ordinal));
        Assert.DoesNotContain("http://", text.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("href", text, StringComparison.Ordinal);
        Assert.Single(svg.Descendants(Ns + "script"));
        Assert.Contains("function zoom(", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Frames_too_narrow_to_draw_are_left_out_and_labels_fit_their_frame()
    {
        var stacks = new List<SampledStack> { new("big", ["main"], [], 1_000_000) };
        stacks.Add(new("tiny", ["speck"], [], 1));
        var svg = Svg(stacks, out _);
        var names = svg.Descendants(Ns + "g").Select(g => (string?)g.Attribute("data-n")).ToList();

        Assert.Contains("main", names);
        Assert.DoesNotContain("speck", names);
        Assert.Equal("", FlameGraphSvg.Label("a_long_function_name", 10));
        Assert.Equal("a_long_fu..", FlameGraphSvg.Label("a_long_function_name", 3 + 11 * 12 * 0.59 + 0.1));
        Assert.Equal("short", FlameGraphSvg.Label("short", 200));
    }

    [Fact]
    public void An_empty_profile_is_still_a_valid_picture()
    {
        var svg = Svg([], out _);

        Assert.Equal("svg", svg.Root!.Name.LocalName);
        Assert.DoesNotContain(svg.Descendants(Ns + "g"), g => (string?)g.Attribute("class") == "f");
    }
}
