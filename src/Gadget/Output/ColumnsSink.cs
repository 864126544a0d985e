using System.Text;
using Gadget.Gadgets;
using Gadget.Runtime;

namespace Gadget.Output;

/// <summary>Columns output: a header, then one line per event (stream gadgets); for frame
/// gadgets, each frame under its own header (or in the gadget's own text form), one block per
/// interval, or on a terminal a live table redrawn in place.</summary>
public sealed class ColumnsSink : IGadgetSink
{
    private readonly OutputBuffer _output;
    private readonly TextWriter _diagnostics;
    private readonly IReadOnlyList<string>? _customColumns;
    private readonly ITerminal? _terminal;
    private ColumnsFormatter? _formatter;
    private SinkStart? _start;
    private LiveTable? _live;

    /// <param name="terminal">The terminal standard output is, or null when it is none: then
    /// interval frames are printed one block after the other.</param>
    public ColumnsSink(OutputBuffer output, TextWriter diagnostics, IReadOnlyList<string>? customColumns, ITerminal? terminal = null)
    {
        _output = output;
        _diagnostics = diagnostics;
        _customColumns = customColumns;
        _terminal = terminal;
    }

    public void Start(SinkStart start)
    {
        _start = start;
        _formatter = new ColumnsFormatter(start.Schema.Select(_customColumns ?? start.DefaultColumns), _output);
        if (start.Kind == GadgetKind.Stream)
        {
            _formatter.WriteHeader();
            _output.Flush();
        }
        else if (start.Kind == GadgetKind.Interval && _terminal is not null)
        {
            _live = new LiveTable(_output, _terminal);
        }
    }

    public void Event(in EventRecord record)
    {
        Formatter.WriteRow(record);
        _output.FlushIfLarge();
    }

    public void EndBatch() => _output.Flush();

    public void Frame(Frame frame)
    {
        if (_live is not null)
        {
            _live.Show(Render(frame));
            return;
        }
        _output.Write(Encoding.UTF8.GetBytes(Render(frame)));
        // Blocks of an interval gadget are told apart by an empty line.
        if (_start!.Kind == GadgetKind.Interval)
            _output.Write((byte)'\n');
        _output.Flush();
    }

    public void Lost(ulong count)
    {
        _output.Flush();
        _diagnostics.WriteLine($"WARNING: {count} events lost: the ring buffer was full (a larger --ring-size may help)");
    }

    /// <summary>The totals are the caller's to print (<see cref="SummaryLine"/>): a run whose
    /// output was closed does not come here, and it ends with them too.</summary>
    public void End(RunSummary summary)
    {
        _live?.Close();
        _output.Flush();
    }

    /// <summary>A frame as text: the gadget's own form, or the header and a line per row.</summary>
    private string Render(Frame frame)
    {
        var text = new StringBuilder();
        if (_start!.Gadget.TryWriteText(frame, _start.Parameters, text))
            return text.ToString();
        var scratch = new MemoryStream();
        var buffer = new OutputBuffer(scratch);
        var formatter = new ColumnsFormatter(_start.Schema.Select(_customColumns ?? _start.DefaultColumns), buffer);
        formatter.WriteHeader();
        var lines = new StringBuilder();
        for (var i = 0; i < frame.Count; i++)
        {
            formatter.WriteRow(frame.Record(i));
            lines.Clear();
            _start.Gadget.WriteRowLines(frame.Record(i), _start.Parameters, lines);
            if (lines.Length > 0)
                buffer.Write(Encoding.UTF8.GetBytes(lines.ToString()));
        }
        buffer.Flush();
        return Encoding.UTF8.GetString(scratch.GetBuffer(), 0, (int)scratch.Length);
    }

    private ColumnsFormatter Formatter => _formatter ?? throw new InvalidOperationException("the sink was not started");
}
