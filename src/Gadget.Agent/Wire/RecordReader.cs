using System.Diagnostics.CodeAnalysis;
using System.Text;
using Gadget.Agent.Protocol;
using Gadget.Gadgets;

namespace Gadget.Agent.Wire;

/// <summary>Reads what <see cref="RecordBuffer"/> and <see cref="FieldRecorder"/> wrote: varints,
/// strings and recorded field values, which it skips or replays into a field sink. What an
/// agent sends is checked as it is read: a malformed record is one error, never a crash.</summary>
internal ref struct RecordReader
{
    private readonly ReadOnlySpan<byte> _data;

    public RecordReader(ReadOnlySpan<byte> data, int position = 0)
    {
        _data = data;
        Position = position;
    }

    public int Position { get; private set; }

    public readonly bool AtEnd => Position >= _data.Length;

    public byte Byte()
    {
        if (Position >= _data.Length)
            ThrowMalformed();
        return _data[Position++];
    }

    public ulong Varint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = Byte();
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
                return value;
        }
        ThrowMalformed();
        return 0;
    }

    public long ZigZag()
    {
        var raw = Varint();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    public ReadOnlySpan<byte> Utf8()
    {
        var length = Varint();
        if (length > (ulong)(_data.Length - Position))
            ThrowMalformed();
        var value = _data.Slice(Position, (int)length);
        Position += (int)length;
        return value;
    }

    /// <summary>Moves past one recorded field value (up to and including its OP_END).</summary>
    public void SkipField()
    {
        while (true)
        {
            switch ((RecordOp)Byte())
            {
                case RecordOp.OpEnd:
                    return;
                case RecordOp.OpInt or RecordOp.OpUint or RecordOp.OpTimestamp:
                    Varint();
                    break;
                case RecordOp.OpUtf8 or RecordOp.OpText or RecordOp.OpListItem:
                    Utf8();
                    break;
                case RecordOp.OpMapEntry:
                    Utf8();
                    Utf8();
                    break;
                case RecordOp.OpFalse or RecordOp.OpTrue or RecordOp.OpBeginList or RecordOp.OpEndList or RecordOp.OpBeginMap or RecordOp.OpEndMap:
                    break;
                default:
                    ThrowMalformed();
                    break;
            }
        }
    }

    /// <summary>Writes the field value recorded at the current position into <paramref name="sink"/>.</summary>
    public void Replay(IFieldSink sink)
    {
        while (true)
        {
            switch ((RecordOp)Byte())
            {
                case RecordOp.OpEnd:
                    return;
                case RecordOp.OpInt:
                    sink.Int(ZigZag());
                    break;
                case RecordOp.OpUint:
                    sink.UInt(Varint());
                    break;
                case RecordOp.OpFalse:
                    sink.Bool(false);
                    break;
                case RecordOp.OpTrue:
                    sink.Bool(true);
                    break;
                case RecordOp.OpUtf8:
                    sink.Utf8(Utf8());
                    break;
                case RecordOp.OpText:
                    sink.Text(Encoding.UTF8.GetString(Utf8()));
                    break;
                case RecordOp.OpTimestamp:
                    sink.Timestamp(ZigZag());
                    break;
                case RecordOp.OpBeginList:
                    sink.BeginList();
                    break;
                case RecordOp.OpListItem:
                    sink.ListItem(Utf8());
                    break;
                case RecordOp.OpEndList:
                    sink.EndList();
                    break;
                case RecordOp.OpBeginMap:
                    sink.BeginMap();
                    break;
                case RecordOp.OpMapEntry:
                    var key = Encoding.UTF8.GetString(Utf8());
                    sink.MapEntry(key, Encoding.UTF8.GetString(Utf8()));
                    break;
                case RecordOp.OpEndMap:
                    sink.EndMap();
                    break;
                default:
                    ThrowMalformed();
                    break;
            }
        }
    }

    [DoesNotReturn]
    public static void ThrowMalformed() => throw new GadgetException("the agent sent a malformed record");
}
