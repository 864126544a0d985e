using System.Buffers.Binary;
using System.Text;

namespace Gadget.Tests.Gadgets.Dns;

/// <summary>Builds DNS messages byte by byte (RFC 1035), well-formed or deliberately not.</summary>
internal static class DnsPacket
{
    public static byte[] Header(ushort id, bool response, int rcode, int questions, int answers)
    {
        var header = new byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(header, id);
        header[2] = (byte)((response ? 0x80 : 0) | 0x01);
        header[3] = (byte)(rcode & 0x0f);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), (ushort)questions);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6), (ushort)answers);
        return header;
    }

    /// <summary>"www.example.com" as length-prefixed labels ending with the root label.</summary>
    public static byte[] Name(string name)
    {
        var bytes = new List<byte>();
        foreach (var label in name.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }
        bytes.Add(0);
        return [.. bytes];
    }

    public static byte[] Question(string name, ushort type) => [.. Name(name), (byte)(type >> 8), (byte)type, 0, 1];

    public static byte[] Query(ushort id, string name, ushort type = 1) =>
        [.. Header(id, response: false, 0, 1, 0), .. Question(name, type)];

    /// <summary>A resource record whose name points at the question's (offset 12).</summary>
    public static byte[] Answer(ushort type, byte[] data, ushort @class = 1)
    {
        var record = new byte[12 + data.Length];
        record[0] = 0xc0;
        record[1] = 12;
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(2), type);
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(4), @class);
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(6), 300);
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(10), (ushort)data.Length);
        data.CopyTo(record, 12);
        return record;
    }

    public static byte[] Response(ushort id, string name, ushort type, int rcode, params byte[][] answers) =>
        [.. Header(id, response: true, rcode, 1, answers.Length), .. Question(name, type), .. answers.SelectMany(a => a)];
}
