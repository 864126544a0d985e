using System.Globalization;
using System.Text;
using Gadget.Gadgets;

namespace Gadget.Output;

/// <summary>Aligned text columns, one line per event or row, under a header line. Each value is
/// formatted into a reusable cell, then cut or padded to its column's width; the last column
/// is never cut, and neither is a header: a column is at least as wide as its header.
/// Bytes a terminal would act on (controls, bidi overrides, invalid UTF-8) are escaped
/// (<see cref="TerminalText"/>), so one event stays one line and shows what it is.</summary>
public sealed class ColumnsFormatter : IColumnSink
{
    private static ReadOnlySpan<byte> Ellipsis => "…"u8;

    private readonly IReadOnlyList<EventField> _columns;
    private readonly int[] _widths;
    private readonly OutputBuffer _output;
    private byte[] _cell = new byte[4096];
    private byte[] _text = new byte[256];
    private int _cellLength;
    private EventField _field = null!;
    private bool _firstItem;
    private int _lineStart;

    public ColumnsFormatter(IReadOnlyList<EventField> columns, OutputBuffer output)
    {
        _columns = columns;
        _widths = columns.Select(c => Math.Max(c.Width, DisplayWidth(Encoding.UTF8.GetBytes(c.Header)))).ToArray();
        _output = output;
    }

    public OutputBuffer Output => _output;

    /// <summary>Writes the header line.</summary>
    public void WriteHeader()
    {
        _lineStart = _output.Length;
        for (var i = 0; i < _columns.Count; i++)
        {
            _field = _columns[i];
            _cellLength = 0;
            AppendSanitized(Encoding.UTF8.GetBytes(_field.Header));
            EmitCell(i);
        }
        _output.Write((byte)'\n');
    }

    /// <summary>Writes one event or row as a line.</summary>
    public void WriteRow(in EventRecord record)
    {
        _lineStart = _output.Length;
        for (var i = 0; i < _columns.Count; i++)
        {
            _field = _columns[i];
            _cellLength = 0;
            _field.Write(record, this);
            EmitCell(i);
        }
        _output.Write((byte)'\n');
    }

    private void EmitCell(int column)
    {
        var cell = _cell.AsSpan(0, _cellLength);
        var width = DisplayWidth(cell);
        var columnWidth = _widths[column];
        var alignment = _columns[column].Alignment;
        if (column == _columns.Count - 1)
        {
            if (alignment == FieldAlignment.Right)
                Pad(columnWidth - width);
            _output.Write(cell);
            TrimTrailingSpaces();
            return;
        }
        if (width > columnWidth)
        {
            _output.Write(Cut(cell, columnWidth - 1));
            _output.Write(Ellipsis);
        }
        else if (alignment == FieldAlignment.Right)
        {
            Pad(columnWidth - width);
            _output.Write(cell);
        }
        else
        {
            _output.Write(cell);
            Pad(columnWidth - width);
        }
        _output.Write((byte)' ');
    }

    /// <summary>Drops the spaces that empty trailing columns left at the end of the line.</summary>
    private void TrimTrailingSpaces() => _output.TrimEnd((byte)' ', _lineStart);

    private void Pad(int count)
    {
        if (count <= 0)
            return;
        var span = _output.GetSpan(count);
        span[..count].Fill((byte)' ');
        _output.Advance(count);
    }

    /// <summary>Characters on screen: UTF-8 lead bytes, not continuation bytes.</summary>
    private static int DisplayWidth(ReadOnlySpan<byte> utf8)
    {
        var count = 0;
        foreach (var b in utf8)
        {
            if ((b & 0xC0) != 0x80)
                count++;
        }
        return count;
    }

    /// <summary>The first <paramref name="chars"/> characters of <paramref name="utf8"/>.</summary>
    private static ReadOnlySpan<byte> Cut(ReadOnlySpan<byte> utf8, int chars)
    {
        var seen = 0;
        for (var i = 0; i < utf8.Length; i++)
        {
            if ((utf8[i] & 0xC0) != 0x80)
            {
                if (seen == chars)
                    return utf8[..i];
                seen++;
            }
        }
        return utf8;
    }

    private Span<byte> CellSpace(int size)
    {
        if (_cell.Length - _cellLength < size)
            Array.Resize(ref _cell, Math.Max(_cell.Length * 2, _cellLength + size));
        return _cell.AsSpan(_cellLength);
    }

    private void AppendSanitized(ReadOnlySpan<byte> utf8)
    {
        var space = CellSpace(TerminalText.MaxEscapedLength(utf8.Length));
        _cellLength += TerminalText.Escape(utf8, space);
    }

    private void AppendAscii(string text)
    {
        var space = CellSpace(Encoding.UTF8.GetMaxByteCount(text.Length));
        var written = Encoding.UTF8.GetBytes(text, space);
        _cellLength += written;
    }

    void IFieldSink.Int(long value)
    {
        value.TryFormat(CellSpace(20), out var written, default, CultureInfo.InvariantCulture);
        _cellLength += written;
    }

    void IFieldSink.UInt(ulong value)
    {
        value.TryFormat(CellSpace(20), out var written, default, CultureInfo.InvariantCulture);
        _cellLength += written;
    }

    void IFieldSink.Bool(bool value) => AppendSanitized(value ? "true"u8 : "false"u8);

    void IFieldSink.Utf8(ReadOnlySpan<byte> value) => AppendSanitized(value);

    /// <summary>Text from outside (container names, labels) is escaped like kernel bytes.</summary>
    void IFieldSink.Text(string value)
    {
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_text.Length < length)
            _text = new byte[Math.Max(length, _text.Length * 2)];
        var written = Encoding.UTF8.GetBytes(value, _text);
        AppendSanitized(_text.AsSpan(0, written));
    }

    void IFieldSink.Timestamp(long unixNanoseconds) => _cellLength += TimestampText.Format(unixNanoseconds, CellSpace(TimestampText.Length + 8));

    void IFieldSink.BeginList() => _firstItem = true;

    void IFieldSink.ListItem(ReadOnlySpan<byte> utf8)
    {
        if (!_firstItem)
            AppendAscii(_field.ListSeparator);
        _firstItem = false;
        AppendSanitized(utf8);
    }

    void IFieldSink.EndList() { }

    void IFieldSink.BeginMap() => _firstItem = true;

    void IFieldSink.MapEntry(string key, string value)
    {
        if (!_firstItem)
            AppendAscii(_field.ListSeparator);
        _firstItem = false;
        ((IFieldSink)this).Text(key);
        AppendAscii("=");
        ((IFieldSink)this).Text(value);
    }

    void IFieldSink.EndMap() { }
}
