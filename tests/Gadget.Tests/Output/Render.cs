using System.Text;
using System.Text.Json;
using Gadget.Containers;
using Gadget.Gadgets;
using Gadget.Output;
using Gadget.Runtime;

namespace Gadget.Tests.Output;

/// <summary>Runs records through the real formatters and returns the text they produced.</summary>
internal static class Render
{
    public static string Columns(TraceGadget gadget, IReadOnlyList<string>? columns, ParameterValues? parameters, params byte[][] records) =>
        Run(new OutputFormat(OutputKind.Columns, columns), gadget, parameters, null, records);

    public static List<JsonElement> Json(TraceGadget gadget, ContainerInfo? container, params byte[][] records)
    {
        var text = Run(new OutputFormat(OutputKind.Json, null), gadget, null, container, records);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
    }

    public static string Run(OutputFormat format, TraceGadget gadget, ParameterValues? parameters, ContainerInfo? container, params byte[][] records)
    {
        var stream = new MemoryStream();
        var sink = format.CreateSink(stream, TextWriter.Null);
        sink.Start(SinkStart.For(gadget, parameters));
        foreach (var record in records)
            sink.Event(new EventRecord(record, container, unixOffsetNs: 1_700_000_000_000_000_000));
        sink.EndBatch();
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
