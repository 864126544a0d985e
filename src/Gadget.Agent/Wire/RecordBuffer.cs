using System.Text;

namespace Gadget.Agent.Wire;

/// <summary>A growable byte buffer that records are encoded into: varints, zigzag varints and
/// length-prefixed UTF-8, as the contract's record layout reads (agent.proto). Reused from
/// batch to batch, so encoding allocates nothing once it has grown.</summary>
internal sealed class RecordBuffer
{
    private byte[] _bytes;

    public RecordBuffer(int capacity = 64 * 1024) => _bytes = new byte[capacity];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public void Byte(byte value)
    {
        Reserve(1);
        _bytes[Length++] = value;
    }

    public void Varint(ulong value)
    {
        Reserve(10);
        while (value >= 0x80)
        {
            _bytes[Length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _bytes[Length++] = (byte)value;
    }

    public void ZigZag(long value) => Varint((ulong)((value << 1) ^ (value >> 63)));

    public void Utf8(ReadOnlySpan<byte> value)
    {
        Varint((ulong)value.Length);
        Reserve(value.Length);
        value.CopyTo(_bytes.AsSpan(Length));
        Length += value.Length;
    }

    public void Text(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        Varint((ulong)count);
        Reserve(count);
        Length += Encoding.UTF8.GetBytes(value, _bytes.AsSpan(Length));
    }

    private void Reserve(int size)
    {
        if (_bytes.Length - Length < size)
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + size));
    }
}
