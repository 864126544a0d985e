using Gadget.Agent.Protocol;
using Gadget.Gadgets;

namespace Gadget.Agent.Wire;

/// <summary>Records what a field writes, as the operations of agent.proto's RecordOp, so that
/// the client can replay them into its own column or JSON writer and print exactly what a
/// local run prints. This one records a field as JSON reads it.</summary>
internal class FieldRecorder : IFieldSink
{
    private RecordBuffer _buffer = null!;

    /// <summary>The recorder for an output: fields that read differently in a column (an errno's
    /// name rather than its number) are recorded as that output reads them.</summary>
    public static FieldRecorder For(OutputView view) => view == OutputView.Columns ? new ColumnRecorder() : new FieldRecorder();

    /// <summary>Records one field's value into <paramref name="buffer"/>, ended by OP_END.</summary>
    public void Record(EventField field, in EventRecord record, RecordBuffer buffer)
    {
        _buffer = buffer;
        field.Write(record, this);
        buffer.Byte((byte)RecordOp.OpEnd);
    }

    public void Int(long value)
    {
        _buffer.Byte((byte)RecordOp.OpInt);
        _buffer.ZigZag(value);
    }

    public void UInt(ulong value)
    {
        _buffer.Byte((byte)RecordOp.OpUint);
        _buffer.Varint(value);
    }

    public void Bool(bool value) => _buffer.Byte((byte)(value ? RecordOp.OpTrue : RecordOp.OpFalse));

    public void Utf8(ReadOnlySpan<byte> value)
    {
        _buffer.Byte((byte)RecordOp.OpUtf8);
        _buffer.Utf8(value);
    }

    public void Text(string value)
    {
        _buffer.Byte((byte)RecordOp.OpText);
        _buffer.Text(value);
    }

    public void Timestamp(long unixNanoseconds)
    {
        _buffer.Byte((byte)RecordOp.OpTimestamp);
        _buffer.ZigZag(unixNanoseconds);
    }

    public void BeginList() => _buffer.Byte((byte)RecordOp.OpBeginList);

    public void ListItem(ReadOnlySpan<byte> utf8)
    {
        _buffer.Byte((byte)RecordOp.OpListItem);
        _buffer.Utf8(utf8);
    }

    public void EndList() => _buffer.Byte((byte)RecordOp.OpEndList);

    public void BeginMap() => _buffer.Byte((byte)RecordOp.OpBeginMap);

    public void MapEntry(string key, string value)
    {
        _buffer.Byte((byte)RecordOp.OpMapEntry);
        _buffer.Text(key);
        _buffer.Text(value);
    }

    public void EndMap() => _buffer.Byte((byte)RecordOp.OpEndMap);

    /// <summary>Records fields as a column reads them.</summary>
    private sealed class ColumnRecorder : FieldRecorder, IColumnSink
    {
    }
}
