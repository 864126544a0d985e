using System.Buffers.Binary;
using System.Text;

namespace Gadget.Tests.Gadgets.Sni;

/// <summary>Builds the start of a TLS stream with a ClientHello (RFC 8446 4.1.2), as a client
/// sends it, with the extensions a test chooses.</summary>
internal static class TlsHello
{
    public static byte[] Extension(ushort type, byte[] body) =>
        [(byte)(type >> 8), (byte)type, (byte)(body.Length >> 8), (byte)body.Length, .. body];

    public static byte[] ServerName(string name, byte nameType = 0)
    {
        var host = Encoding.ASCII.GetBytes(name);
        byte[] entry = [nameType, (byte)(host.Length >> 8), (byte)host.Length, .. host];
        return Extension(0, [(byte)(entry.Length >> 8), (byte)entry.Length, .. entry]);
    }

    /// <summary>supported_versions (TLS 1.3, 1.2): an extension that is not the name.</summary>
    public static byte[] SupportedVersions => Extension(43, [4, 3, 4, 3, 3]);

    public static byte[] ClientHello(params byte[][] extensions)
    {
        var ext = extensions.SelectMany(e => e).ToArray();
        byte[] body =
        [
            3, 3,                         // legacy_version TLS 1.2
            .. new byte[32],              // random
            32, .. new byte[32],          // session id
            0, 4, 0x13, 0x01, 0x13, 0x02, // cipher suites
            1, 0,                         // compression methods: null
            (byte)(ext.Length >> 8), (byte)ext.Length, .. ext,
        ];
        byte[] handshake = [1, (byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length, .. body];
        var record = new byte[5 + handshake.Length];
        record[0] = 0x16;
        record[1] = 3;
        record[2] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(3), (ushort)handshake.Length);
        handshake.CopyTo(record, 5);
        return record;
    }
}
