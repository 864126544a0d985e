using System.Buffers.Binary;

namespace Gadget.Gadgets.Trace.Dns;

/// <summary>Reads a DNS message (RFC 1035) in place, as captured from a packet: possibly cut
/// short, possibly malformed or hostile. Every read is checked against the bytes present, a name
/// follows at most <see cref="MaxPointerJumps"/> compression pointers and only backwards (so it
/// cannot loop) and is at most <see cref="MaxNameLength"/> bytes of text; anything else makes the
/// read return false. Nothing is allocated.</summary>
public readonly ref struct DnsMessage
{
    public const int HeaderLength = 12;

    /// <summary>The longest name as text ("a.b.c."): a name is at most 255 bytes on the wire.</summary>
    public const int MaxNameLength = 255;

    public const int MaxPointerJumps = 16;

    public const ushort TypeA = 1;
    public const ushort TypeAaaa = 28;
    private const ushort ClassInternet = 1;

    private readonly ReadOnlySpan<byte> _data;

    public DnsMessage(ReadOnlySpan<byte> data) => _data = data;

    public bool HasHeader => _data.Length >= HeaderLength;

    public ushort Id => HasHeader ? BinaryPrimitives.ReadUInt16BigEndian(_data) : (ushort)0;

    public bool IsResponse => HasHeader && (_data[2] & 0x80) != 0;

    /// <summary>The response code of the header (RCODE, 4 bits).</summary>
    public int ResponseCode => HasHeader ? _data[3] & 0x0f : 0;

    public ushort QuestionCount => Count(4);

    public ushort AnswerCount => Count(6);

    /// <summary>Reads the first question: its name as dotted text ("example.com.", "" for the
    /// root) into <paramref name="name"/> (at least <see cref="MaxNameLength"/> bytes), its type,
    /// and where the answers start.</summary>
    public bool TryReadQuestion(Span<byte> name, out int nameLength, out ushort type, out int end)
    {
        type = 0;
        end = 0;
        nameLength = 0;
        if (!HasHeader || QuestionCount == 0 || !TryReadName(HeaderLength, name, out nameLength, out var next))
            return false;
        if (next + 4 > _data.Length)
            return false;
        type = BinaryPrimitives.ReadUInt16BigEndian(_data[next..]);
        end = next + 4; // type and class
        return true;
    }

    /// <summary>Reads the (possibly compressed) name at <paramref name="offset"/> as dotted text;
    /// <paramref name="next"/> is where the data after the name starts.</summary>
    public bool TryReadName(int offset, Span<byte> destination, out int written, out int next)
    {
        written = 0;
        next = -1;
        var position = offset;
        var jumps = 0;
        while (true)
        {
            if ((uint)position >= (uint)_data.Length)
                return false;
            var length = _data[position];
            switch (length & 0xc0)
            {
                case 0x00:
                    if (length == 0)
                    {
                        if (next < 0)
                            next = position + 1;
                        return true;
                    }
                    if (position + 1 + length > _data.Length || written + length + 1 > MaxNameLength || written + length + 1 > destination.Length)
                        return false;
                    _data.Slice(position + 1, length).CopyTo(destination[written..]);
                    written += length;
                    destination[written++] = (byte)'.';
                    position += 1 + length;
                    break;
                case 0xc0:
                    if (position + 2 > _data.Length || ++jumps > MaxPointerJumps)
                        return false;
                    var target = BinaryPrimitives.ReadUInt16BigEndian(_data[position..]) & 0x3fff;
                    // Only backwards: every jump lands before the last, so the walk ends.
                    if (target >= position)
                        return false;
                    if (next < 0)
                        next = position + 2;
                    position = target;
                    break;
                default:
                    // 0x40 (extended label types) and 0x80 are not in use.
                    return false;
            }
        }
    }

    /// <summary>The addresses of the A and AAAA records of the answer section, starting at
    /// <paramref name="answersOffset"/> (see <see cref="TryReadQuestion"/>).</summary>
    public AnswerAddressEnumerator AnswerAddresses(int answersOffset) => new(_data, answersOffset, AnswerCount);

    private ushort Count(int offset) => HasHeader ? BinaryPrimitives.ReadUInt16BigEndian(_data[offset..]) : (ushort)0;

    /// <summary>Walks the answer records and stops at each A (4 bytes) or AAAA (16 bytes) address;
    /// stops for good at the first record that does not fit in the data.</summary>
    public ref struct AnswerAddressEnumerator
    {
        private readonly ReadOnlySpan<byte> _data;
        private int _offset;
        private int _remaining;

        internal AnswerAddressEnumerator(ReadOnlySpan<byte> data, int offset, int count)
        {
            _data = data;
            _offset = offset;
            _remaining = count;
            Current = default;
        }

        public ReadOnlySpan<byte> Current { get; private set; }

        public readonly AnswerAddressEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            while (_remaining > 0)
            {
                _remaining--;
                if (!TrySkipName(_data, _offset, out var fixedPart) || fixedPart + 10 > _data.Length)
                    break;
                var type = BinaryPrimitives.ReadUInt16BigEndian(_data[fixedPart..]);
                var @class = BinaryPrimitives.ReadUInt16BigEndian(_data[(fixedPart + 2)..]);
                var rdLength = BinaryPrimitives.ReadUInt16BigEndian(_data[(fixedPart + 8)..]);
                var rdata = fixedPart + 10;
                if (rdata + rdLength > _data.Length)
                    break;
                _offset = rdata + rdLength;
                if (@class == ClassInternet && ((type == TypeA && rdLength == 4) || (type == TypeAaaa && rdLength == 16)))
                {
                    Current = _data.Slice(rdata, rdLength);
                    return true;
                }
            }
            _remaining = 0;
            return false;
        }

        /// <summary>Finds the end of the name at offset without following pointers: a pointer
        /// ends the name where it stands.</summary>
        private static bool TrySkipName(ReadOnlySpan<byte> data, int offset, out int next)
        {
            next = 0;
            var position = offset;
            for (var labels = 0; labels <= MaxNameLength / 2; labels++)
            {
                if ((uint)position >= (uint)data.Length)
                    return false;
                var length = data[position];
                if (length == 0)
                {
                    next = position + 1;
                    return true;
                }
                if ((length & 0xc0) == 0xc0)
                {
                    next = position + 2;
                    return next <= data.Length;
                }
                if ((length & 0xc0) != 0)
                    return false;
                position += 1 + length;
            }
            return false;
        }
    }
}
