using Gadget.Agent.Wire;
using Gadget.Gadgets;

namespace Gadget.Agent.Client;

/// <summary>A record as it arrived from an agent: its header (Unix timestamp, mount namespace),
/// where each carried field's recorded value starts in the received bytes, and the lines a
/// frame row adds under itself. The fields of <see cref="RemoteGadget"/> replay from it.</summary>
internal sealed class RemoteRow : GadgetRow
{
    public RemoteRow(int carried) => Offsets = new int[carried];

    public ReadOnlyMemory<byte> Data { get; private set; }

    public int[] Offsets { get; }

    public string Lines { get; private set; } = "";

    /// <summary>Reads the record at the reader's position (moving past it) into this row;
    /// returns the container's number.</summary>
    public uint Read(ReadOnlyMemory<byte> data, ref RecordReader reader, bool frameRow)
    {
        Data = data;
        var container = (uint)reader.Varint();
        Header.Timestamp = (ulong)reader.ZigZag();
        Header.MntnsId = reader.Varint();
        for (var i = 0; i < Offsets.Length; i++)
        {
            Offsets[i] = reader.Position;
            reader.SkipField();
        }
        if (frameRow)
        {
            var lines = reader.Utf8();
            Lines = lines.IsEmpty ? "" : System.Text.Encoding.UTF8.GetString(lines);
        }
        return container;
    }

    /// <summary>Writes carried field <paramref name="carried"/>'s value into <paramref name="sink"/>.</summary>
    public void Replay(int carried, IFieldSink sink)
    {
        var reader = new RecordReader(Data.Span, Offsets[carried]);
        reader.Replay(sink);
    }
}
