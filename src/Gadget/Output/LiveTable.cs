using System.Text;

namespace Gadget.Output;

/// <summary>A table that redraws in place on a terminal: the alternate screen while it runs
/// (nothing scrolls, and the user's screen comes back at the end), each frame written over the
/// last from the top-left corner with every line cleared to its end and the rest of the screen
/// cleared below, in one write (no flicker). Lines are cut to the terminal's width and the
/// frame to its height, both read at each frame. When it closes, the last frame is printed on
/// the normal screen, so it stays readable after the run.</summary>
public sealed class LiveTable
{
    private const string EnterAlternateScreen = "\e[?1049h\e[?25l";
    private const string LeaveAlternateScreen = "\e[?25h\e[?1049l";
    private const string Home = "\e[H";
    private const string ClearToEndOfLine = "\e[K";
    private const string ClearBelow = "\e[J";

    private readonly OutputBuffer _output;
    private readonly ITerminal _terminal;
    private bool _entered;
    private string? _last;

    public LiveTable(OutputBuffer output, ITerminal terminal)
    {
        _output = output;
        _terminal = terminal;
    }

    /// <summary>Replaces what is on the screen with <paramref name="frame"/> (lines ending in '\n').</summary>
    public void Show(string frame)
    {
        _last = frame;
        var (columns, rows) = _terminal.Size;
        var screen = new StringBuilder();
        if (!_entered)
        {
            screen.Append(EnterAlternateScreen);
            _entered = true;
        }
        screen.Append(Home);
        var lines = Lines(frame);
        // The last line of the screen stays empty: writing there would scroll the terminal.
        var room = Math.Max(1, rows - 1);
        for (var i = 0; i < lines.Count && i < room; i++)
        {
            var line = i == room - 1 && lines.Count > room ? $"… {lines.Count - i} more rows" : lines[i];
            screen.Append(Cut(line, Math.Max(1, columns))).Append(ClearToEndOfLine).Append('\n');
        }
        screen.Append(ClearBelow);
        Write(screen.ToString());
    }

    /// <summary>Gives the user's screen back, then prints the last frame there.</summary>
    public void Close()
    {
        if (!_entered)
            return;
        _entered = false;
        Write(LeaveAlternateScreen + (_last ?? ""));
    }

    private void Write(string text)
    {
        _output.Write(Encoding.UTF8.GetBytes(text));
        _output.Flush();
    }

    private static List<string> Lines(string frame)
    {
        var lines = frame.Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
            lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    /// <summary>The first <paramref name="columns"/> characters of a line (text elements, so a
    /// multi-byte character counts once).</summary>
    internal static string Cut(string line, int columns)
    {
        var info = new System.Globalization.StringInfo(line);
        return info.LengthInTextElements <= columns ? line : info.SubstringByTextElements(0, columns);
    }
}
