using Gadget.Agent.Protocol;
using Gadget.Agent.Wire;
using Gadget.Gadgets;

namespace Gadget.Tests.Agent;

/// <summary>The agent's record encoding: what a field writes on the node is what the client's
/// writer receives, call for call; what an agent sends that is cut or garbled is one error.</summary>
public sealed class RecordWireTests
{
    /// <summary>Writes the calls it receives as text, one a line.</summary>
    private sealed class CallLog : IFieldSink
    {
        public List<string> Calls { get; } = [];
        public void Int(long value) => Calls.Add($"int {value}");
        public void UInt(ulong value) => Calls.Add($"uint {value}");
        public void Bool(bool value) => Calls.Add($"bool {value}");
        public void Utf8(ReadOnlySpan<byte> value) => Calls.Add($"utf8 {System.Text.Encoding.UTF8.GetString(value)}");
        public void Text(string value) => Calls.Add($"text {value}");
        public void Timestamp(long unixNanoseconds) => Calls.Add($"ts {unixNanoseconds}");
        public void BeginList() => Calls.Add("[");
        public void ListItem(ReadOnlySpan<byte> utf8) => Calls.Add($"item {System.Text.Encoding.UTF8.GetString(utf8)}");
        public void EndList() => Calls.Add("]");
        public void BeginMap() => Calls.Add("{");
        public void MapEntry(string key, string value) => Calls.Add($"{key}={value}");
        public void EndMap() => Calls.Add("}");
    }

    private static void WriteEverything(IFieldSink s)
    {
        s.Int(long.MinValue);
        s.Int(-1);
        s.UInt(ulong.MaxValue);
        s.Bool(true);
        s.Bool(false);
        s.Utf8("héllo"u8);
        s.Utf8([]);
        s.Text(new string('x', 300));
        s.Timestamp(1_796_700_925_025_612_912);
        s.BeginList();
        s.ListItem("/bin/echo"u8);
        s.ListItem("a b"u8);
        s.EndList();
        s.BeginMap();
        s.MapEntry("app", "web");
        s.EndMap();
    }

    [Fact]
    public void Every_call_a_field_makes_is_replayed_as_made()
    {
        var field = new CustomField("all", static (in EventRecord _, IFieldSink s) => WriteEverything(s));
        var buffer = new RecordBuffer(16);
        FieldRecorder.For(OutputView.Json).Record(field, new EventRecord(new GadgetRow(), null, 0), buffer);
        var expected = new CallLog();
        WriteEverything(expected);

        var replayed = new CallLog();
        var reader = new RecordReader(buffer.Written);
        reader.Replay(replayed);

        Assert.Equal(expected.Calls, replayed.Calls);
        Assert.True(reader.AtEnd);
        var skipper = new RecordReader(buffer.Written);
        skipper.SkipField();
        Assert.Equal(buffer.Length, skipper.Position);
    }

    [Fact]
    public void A_field_reads_as_its_output_reads_it()
    {
        // Fields that write words in a column and numbers in JSON (an errno) ask the sink.
        var field = new CustomField("errno", static (in EventRecord _, IFieldSink s) =>
        {
            if (s is IColumnSink)
                s.Utf8("ENOENT"u8);
            else
                s.Int(2);
        });
        string Replayed(OutputView view)
        {
            var buffer = new RecordBuffer();
            FieldRecorder.For(view).Record(field, new EventRecord(new GadgetRow(), null, 0), buffer);
            var log = new CallLog();
            new RecordReader(buffer.Written).Replay(log);
            return Assert.Single(log.Calls);
        }

        Assert.Equal("utf8 ENOENT", Replayed(OutputView.Columns));
        Assert.Equal("int 2", Replayed(OutputView.Json));
    }

    [Theory]
    [InlineData(new byte[] { (byte)RecordOp.OpUtf8, 50, (byte)'a' })]
    [InlineData(new byte[] { (byte)RecordOp.OpUint, 0xff, 0xff })]
    [InlineData(new byte[] { 99 })]
    [InlineData(new byte[] { (byte)RecordOp.OpInt, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff })]
    [InlineData(new byte[] { (byte)RecordOp.OpBeginList })]
    public void A_cut_or_garbled_record_is_one_error(byte[] bytes)
    {
        var error = Assert.Throws<GadgetException>(() => new RecordReader(bytes).Replay(new CallLog()));
        Assert.Equal("the agent sent a malformed record", error.Message);
        Assert.Throws<GadgetException>(() => new RecordReader(bytes).SkipField());
    }
}
