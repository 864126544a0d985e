using System.Text;
using Gadget.Gadgets;
using Gadget.Output;
using Gadget.Runtime;

namespace Gadget.Tests.Gadgets.Model;

/// <summary>The live table of interval gadgets on a terminal, read back from the bytes it writes
/// (escape sequences included): it redraws in place, fits the terminal, and gives the screen back.</summary>
public class LiveTableTests
{
    private const string Alternate = "\e[?1049h", Normal = "\e[?1049l", Home = "\e[H", ClearBelow = "\e[J";

    private sealed class FakeTerminal(int columns, int rows) : ITerminal
    {
        public (int Columns, int Rows) Size { get; set; } = (columns, rows);
    }

    private static readonly CountingGadget Gadget = new();

    private static Frame Frame(int rows)
    {
        var frame = new Frame(null, 0);
        for (var i = 0; i < rows; i++)
            frame.Add(CountingGadget.Row((uint)(100 + i), $"proc{i}", (ulong)(rows - i)));
        return frame;
    }

    private static (IGadgetSink Sink, MemoryStream Output) Start(FakeTerminal terminal)
    {
        var output = new MemoryStream();
        var sink = OutputFormat.DefaultColumns.CreateSink(output, TextWriter.Null, terminal);
        sink.Start(SinkStart.For(Gadget));
        return (sink, output);
    }

    private static string Text(MemoryStream output) => Encoding.UTF8.GetString(output.ToArray());

    [Fact]
    public void Each_frame_is_drawn_over_the_last_from_the_top_in_the_alternate_screen()
    {
        var (sink, output) = Start(new FakeTerminal(80, 24));

        sink.Frame(Frame(2));
        var first = Text(output);
        sink.Frame(Frame(3));
        var both = Text(output);

        Assert.StartsWith(Alternate, first);
        Assert.Single(AllIndexes(both, Alternate));
        // The second frame starts at the top-left corner and clears what the first left below it.
        var second = both[first.Length..];
        Assert.StartsWith(Home, second);
        Assert.EndsWith(ClearBelow, second);
        Assert.Contains("proc2", second);
        // Every line is cleared to its end, so a shorter line leaves nothing of the longer one.
        Assert.All(second[Home.Length..^ClearBelow.Length].Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.EndsWith("\e[K", line));
        Assert.DoesNotContain(Normal, both);
    }

    [Fact]
    public void Lines_are_cut_to_the_width_and_the_frame_to_the_height_read_at_each_frame()
    {
        var terminal = new FakeTerminal(20, 5);
        var (sink, output) = Start(terminal);

        sink.Frame(Frame(10));
        var small = Lines(Text(output));
        terminal.Size = (60, 30);
        var before = output.Length;
        sink.Frame(Frame(10));
        var large = Lines(Text(output)[(int)before..]);

        // 4 lines: the last row of the terminal stays free so that nothing scrolls.
        Assert.Equal(4, small.Count);
        Assert.All(small, line => Assert.True(line.Length <= 20, $"\"{line}\" is wider than 20"));
        Assert.Equal("… 8 more rows", small[^1]); // 2 of the 10 rows fit under the header
        Assert.Equal(11, large.Count);
        Assert.Contains(large, line => line.Length > 20);
    }

    [Fact]
    public void The_end_gives_the_screen_back_and_prints_the_last_frame_there()
    {
        var (sink, output) = Start(new FakeTerminal(80, 24));
        sink.Frame(Frame(1));
        sink.Frame(Frame(2));

        sink.End(new RunSummary(3, 0, TimeSpan.Zero));

        var text = Text(output);
        var back = text.LastIndexOf(Normal, StringComparison.Ordinal);
        Assert.True(back > 0);
        Assert.Contains("\e[?25h", text[..(back + Normal.Length)]);
        var after = text[(back + Normal.Length)..];
        Assert.Matches(@"^\s+PID\s+COMM\s+COUNT\s+BYTES\n\s+100\s+proc0\s+2\s+0KiB\n\s+101\s+proc1\s+1\s+0KiB\n$", after);
    }

    [Fact]
    public void Without_a_terminal_frames_are_blocks_without_escape_sequences()
    {
        var output = new MemoryStream();
        var sink = OutputFormat.DefaultColumns.CreateSink(output, TextWriter.Null);
        sink.Start(SinkStart.For(Gadget));

        sink.Frame(Frame(2));
        sink.End(new RunSummary(2, 0, TimeSpan.Zero));

        Assert.DoesNotContain("\e", Text(output));
    }

    /// <summary>The text lines of what was drawn, without the escape sequences.</summary>
    private static List<string> Lines(string screen) =>
        System.Text.RegularExpressions.Regex.Replace(screen, "\e\\[[0-9?;]*[A-Za-z]", "")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();

    private static IEnumerable<int> AllIndexes(string text, string value)
    {
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
            yield return i;
    }
}
