using System.Buffers.Binary;

namespace Gadget.Gadgets.Trace.Sni;

/// <summary>Finds the server name (SNI, RFC 6066) in the start of a TLS stream that begins with a
/// ClientHello (RFC 8446 section 4.1.2), as captured from one TCP segment: possibly cut short,
/// possibly malformed or hostile. Every length is checked against the bytes present and against
/// the enclosing structure's own length; anything that does not fit makes the search fail.</summary>
public static class TlsClientHello
{
    private const byte ContentTypeHandshake = 0x16;
    private const byte HandshakeClientHello = 0x01;
    private const ushort ExtensionServerName = 0;
    private const byte NameTypeHostName = 0;
    private const int RecordHeaderLength = 5;
    private const int HandshakeHeaderLength = 4;
    private const int RandomLength = 32;

    /// <summary>The host name of the server_name extension, in place (without a NUL and what
    /// follows it); false when there is none or the hello cannot be read that far.</summary>
    public static bool TryGetServerName(ReadOnlySpan<byte> data, out ReadOnlySpan<byte> serverName)
    {
        serverName = default;
        var reader = new Reader(data);
        if (!reader.TryReadByte(out var contentType) || contentType != ContentTypeHandshake ||
            !reader.TrySkip(2) || !reader.TryReadUInt16(out var recordLength))
            return false;
        reader = reader.Limit(recordLength);
        if (!reader.TryReadByte(out var handshakeType) || handshakeType != HandshakeClientHello ||
            !reader.TryReadUInt24(out var helloLength))
            return false;
        reader = reader.Limit(helloLength);
        if (!reader.TrySkip(2 + RandomLength) ||
            !reader.TryReadVector8(out _) ||      // session id
            !reader.TryReadVector16(out _) ||     // cipher suites
            !reader.TryReadVector8(out _) ||      // compression methods
            !reader.TryReadVector16(out var extensions))
            return false;

        var list = new Reader(extensions);
        while (list.TryReadUInt16(out var type) && list.TryReadVector16(out var body))
        {
            if (type != ExtensionServerName)
                continue;
            var ext = new Reader(body);
            if (!ext.TryReadVector16(out var names))
                return false;
            var entries = new Reader(names);
            while (entries.TryReadByte(out var nameType) && entries.TryReadVector16(out var name))
            {
                if (nameType != NameTypeHostName)
                    continue;
                var end = name.IndexOf((byte)0);
                serverName = end < 0 ? name : name[..end];
                return !serverName.IsEmpty;
            }
            return false;
        }
        return false;
    }

    /// <summary>A forward-only reader over a span that never reads past its end.</summary>
    private ref struct Reader
    {
        private ReadOnlySpan<byte> _rest;

        public Reader(ReadOnlySpan<byte> data) => _rest = data;

        /// <summary>The next <paramref name="length"/> bytes, or fewer when the capture ends sooner.</summary>
        public readonly Reader Limit(int length) => new(_rest[..Math.Min(length, _rest.Length)]);

        public bool TrySkip(int count)
        {
            if (count > _rest.Length)
                return false;
            _rest = _rest[count..];
            return true;
        }

        public bool TryReadByte(out byte value)
        {
            value = 0;
            if (_rest.IsEmpty)
                return false;
            value = _rest[0];
            _rest = _rest[1..];
            return true;
        }

        public bool TryReadUInt16(out int value)
        {
            value = 0;
            if (_rest.Length < 2)
                return false;
            value = BinaryPrimitives.ReadUInt16BigEndian(_rest);
            _rest = _rest[2..];
            return true;
        }

        public bool TryReadUInt24(out int value)
        {
            value = 0;
            if (_rest.Length < 3)
                return false;
            value = _rest[0] << 16 | _rest[1] << 8 | _rest[2];
            _rest = _rest[3..];
            return true;
        }

        /// <summary>A vector with a one-byte length; false when it does not fit.</summary>
        public bool TryReadVector8(out ReadOnlySpan<byte> vector)
        {
            vector = default;
            return TryReadByte(out var length) && TryTake(length, out vector);
        }

        /// <summary>A vector with a two-byte length; false when it does not fit.</summary>
        public bool TryReadVector16(out ReadOnlySpan<byte> vector)
        {
            vector = default;
            return TryReadUInt16(out var length) && TryTake(length, out vector);
        }

        private bool TryTake(int length, out ReadOnlySpan<byte> taken)
        {
            taken = default;
            if (length > _rest.Length)
                return false;
            taken = _rest[..length];
            _rest = _rest[length..];
            return true;
        }
    }
}
