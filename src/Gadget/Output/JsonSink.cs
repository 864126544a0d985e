using System.Text.Json;
using Gadget.Gadgets;
using Gadget.Runtime;

namespace Gadget.Output;

/// <summary>JSON output: one object per line per event; one array per line per frame (an
/// interval's table, a snapshot), or one object per line per row (a gadget's choice), or the
/// gadget's own shape for a report. Lost events become a record of type "warn" carrying
/// "lostEvents".</summary>
public sealed class JsonSink : IGadgetSink
{
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText MessageName = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText LostName = JsonEncodedText.Encode("lostEvents");

    private readonly OutputBuffer _output;
    private readonly Utf8JsonWriter _writer;
    private JsonFormatter? _formatter;
    private SinkStart? _start;

    public JsonSink(OutputBuffer output)
    {
        _output = output;
        _writer = new Utf8JsonWriter(output, JsonFormatter.WriterOptions);
    }

    public void Start(SinkStart start)
    {
        _start = start;
        _formatter = new JsonFormatter(start.Schema, _writer);
    }

    public void Event(in EventRecord record)
    {
        _writer.Reset(_output);
        Formatter.WriteObject(record);
        _writer.Flush();
        _output.Write((byte)'\n');
        _output.FlushIfLarge();
    }

    public void EndBatch() => _output.Flush();

    public void Frame(Frame frame)
    {
        _writer.Reset(_output);
        var ownShape = _start!.Gadget.TryWriteJson(frame, _start.Parameters, _writer);
        if (!ownShape && _start.Gadget.JsonRowPerLine)
        {
            for (var i = 0; i < frame.Count; i++)
                Event(frame.Record(i));
            _output.Flush();
            return;
        }
        if (!ownShape)
        {
            _writer.WriteStartArray();
            for (var i = 0; i < frame.Count; i++)
                Formatter.WriteObject(frame.Record(i));
            _writer.WriteEndArray();
        }
        _writer.Flush();
        _output.Write((byte)'\n');
        _output.Flush();
    }

    public void Lost(ulong count)
    {
        _writer.Reset(_output);
        _writer.WriteStartObject();
        _writer.WriteString(TypeName, "warn");
        _writer.WriteString(MessageName, $"{count} events lost: the ring buffer was full");
        _writer.WriteNumber(LostName, count);
        _writer.WriteEndObject();
        _writer.Flush();
        _output.Write((byte)'\n');
        _output.Flush();
    }

    public void End(RunSummary summary) => _output.Flush();

    private JsonFormatter Formatter => _formatter ?? throw new InvalidOperationException("the sink was not started");
}
