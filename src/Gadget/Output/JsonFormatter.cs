using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Gadget.Gadgets;

namespace Gadget.Output;

/// <summary>Writes events and rows as JSON objects with every field of the schema; dotted JSON
/// paths become nested objects ("k8s": {"podName": ...}).</summary>
public sealed class JsonFormatter : IFieldSink
{
    private readonly Utf8JsonWriter _writer;
    private readonly JsonNode _root;
    private JsonEncodedText _name;
    private bool _omitEmpty;
    private bool _containerStarted;
    private byte[] _literal = new byte[1024];
    private byte[] _text = new byte[256];

    public JsonFormatter(EventSchema schema, Utf8JsonWriter writer)
    {
        _writer = writer;
        _root = JsonNode.Build(schema.JsonFields);
    }

    /// <summary>Writers that write as this formatter expects: relaxed escaping (kernel strings
    /// keep their characters), no validation (the formatter's shape is right by construction).</summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>Writes one event or row as an object.</summary>
    public void WriteObject(in EventRecord record)
    {
        _writer.WriteStartObject();
        WriteChildren(_root, record);
        _writer.WriteEndObject();
    }

    private void WriteChildren(JsonNode node, in EventRecord record)
    {
        foreach (var child in node.Children)
        {
            if (child.Field is { } field)
            {
                _name = child.Name;
                _omitEmpty = field.OmitEmpty;
                field.Write(record, this);
            }
            else
            {
                _writer.WriteStartObject(child.Name);
                WriteChildren(child, record);
                _writer.WriteEndObject();
            }
        }
    }

    void IFieldSink.Int(long value)
    {
        if (!_omitEmpty || value != 0)
            _writer.WriteNumber(_name, value);
    }

    void IFieldSink.UInt(ulong value)
    {
        if (!_omitEmpty || value != 0)
            _writer.WriteNumber(_name, value);
    }

    void IFieldSink.Bool(bool value)
    {
        if (!_omitEmpty || value)
            _writer.WriteBoolean(_name, value);
    }

    void IFieldSink.Utf8(ReadOnlySpan<byte> value)
    {
        if (_omitEmpty && value.IsEmpty)
            return;
        _writer.WritePropertyName(_name);
        WriteStringValue(value);
    }

    void IFieldSink.Text(string value)
    {
        if (_omitEmpty && value.Length == 0)
            return;
        _writer.WritePropertyName(_name);
        WriteStringValue(value);
    }

    void IFieldSink.Timestamp(long unixNanoseconds) => _writer.WriteNumber(_name, unixNanoseconds);

    void IFieldSink.BeginList() => _containerStarted = false;

    void IFieldSink.ListItem(ReadOnlySpan<byte> utf8)
    {
        if (!_containerStarted)
        {
            _writer.WriteStartArray(_name);
            _containerStarted = true;
        }
        WriteStringValue(utf8);
    }

    void IFieldSink.EndList()
    {
        if (_containerStarted)
            _writer.WriteEndArray();
        else if (!_omitEmpty)
        {
            _writer.WriteStartArray(_name);
            _writer.WriteEndArray();
        }
    }

    void IFieldSink.BeginMap() => _containerStarted = false;

    void IFieldSink.MapEntry(string key, string value)
    {
        if (!_containerStarted)
        {
            _writer.WriteStartObject(_name);
            _containerStarted = true;
        }
        _writer.WritePropertyName(key);
        WriteStringValue(value);
    }

    void IFieldSink.EndMap()
    {
        if (_containerStarted)
            _writer.WriteEndObject();
    }

    /// <summary>Kernel strings are bytes, not always valid UTF-8, and may hold controls or
    /// bidi overrides that the relaxed encoder lets through: those few are written as our own
    /// literal (<see cref="JsonText"/>), the rest as they are.</summary>
    private void WriteStringValue(ReadOnlySpan<byte> utf8)
    {
        if (TerminalText.IsSafe(utf8))
        {
            _writer.WriteStringValue(utf8);
            return;
        }
        var length = JsonText.MaxLiteralLength(utf8.Length);
        if (_literal.Length < length)
            _literal = new byte[Math.Max(length, _literal.Length * 2)];
        var written = JsonText.WriteLiteral(utf8, _literal);
        _writer.WriteRawValue(_literal.AsSpan(0, written), skipInputValidation: true);
    }

    private void WriteStringValue(string value)
    {
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_text.Length < length)
            _text = new byte[Math.Max(length, _text.Length * 2)];
        WriteStringValue(_text.AsSpan(0, Encoding.UTF8.GetBytes(value, _text)));
    }

    /// <summary>The JSON shape: leaves are fields, inner nodes are nested objects.</summary>
    private sealed class JsonNode
    {
        private JsonNode(string name, EventField? field)
        {
            RawName = name;
            Name = JsonEncodedText.Encode(name);
            Field = field;
        }

        public string RawName { get; }
        public JsonEncodedText Name { get; }
        public EventField? Field { get; }
        public List<JsonNode> Children { get; } = [];

        public static JsonNode Build(IEnumerable<EventField> fields)
        {
            var root = new JsonNode("", null);
            foreach (var field in fields)
            {
                var parts = field.JsonPath.Split('.');
                var node = root;
                foreach (var part in parts[..^1])
                {
                    var next = node.Children.FirstOrDefault(c => c.Field is null && c.RawName == part);
                    if (next is null)
                    {
                        next = new JsonNode(part, null);
                        node.Children.Add(next);
                    }
                    node = next;
                }
                node.Children.Add(new JsonNode(parts[^1], field));
            }
            return root;
        }
    }
}
