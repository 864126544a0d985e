using Gadget.Gadgets;
using Gadget.Runtime;

namespace Gadget.Output;

public enum OutputKind
{
    Columns,
    Json,
}

/// <summary>The -o/--output choice: default columns, chosen columns, or JSON lines.</summary>
public sealed record OutputFormat(OutputKind Kind, IReadOnlyList<string>? Columns)
{
    public static OutputFormat DefaultColumns { get; } = new(OutputKind.Columns, null);

    /// <summary>Parses "columns", "json", "columns=a,b" or "custom-columns=a,b".</summary>
    public static OutputFormat Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed is "columns" or "")
            return DefaultColumns;
        if (trimmed == "json")
            return new OutputFormat(OutputKind.Json, null);
        foreach (var prefix in (string[])["columns=", "custom-columns="])
        {
            if (trimmed.StartsWith(prefix, StringComparison.Ordinal))
            {
                var columns = trimmed[prefix.Length..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (columns.Length == 0)
                    throw new GadgetException($"--output {trimmed}: name at least one column");
                return new OutputFormat(OutputKind.Columns, columns);
            }
        }
        throw new GadgetException($"invalid --output \"{text}\": expected columns, json or columns=<col1>,<col2>,...");
    }

    /// <summary>The sink that writes this format for a gadget's events.</summary>
    /// <summary>Throws the one-line error for a custom column the schema does not have: called
    /// before anything else prints, since the sink is made only once containers are known.</summary>
    public void CheckColumns(EventSchema schema)
    {
        if (Kind == OutputKind.Columns && Columns is not null)
            schema.Select(Columns);
    }

    public IEventSink CreateSink(EventSchema schema, IReadOnlyList<string> defaultColumns, Stream output, TextWriter diagnostics)
    {
        var buffer = new OutputBuffer(output);
        return Kind switch
        {
            OutputKind.Json => new JsonFormatter(schema, buffer),
            _ => new ColumnsFormatter(schema.Select(Columns ?? defaultColumns), buffer, diagnostics),
        };
    }
}
