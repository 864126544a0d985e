using Gadget.Gadgets;
using Gadget.Runtime;

namespace Gadget.Output;

public enum OutputKind
{
    Columns,
    Json,

    /// <summary>Folded stacks (flamegraph.pl, speedscope), for gadgets that sample stacks.</summary>
    Folded,
}

/// <summary>The -o/--output choice: default columns, chosen columns, or JSON.</summary>
public sealed record OutputFormat(OutputKind Kind, IReadOnlyList<string>? Columns)
{
    public static OutputFormat DefaultColumns { get; } = new(OutputKind.Columns, null);

    /// <summary>Parses "columns", "json", "folded", "columns=a,b" or "custom-columns=a,b".</summary>
    public static OutputFormat Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed is "columns" or "")
            return DefaultColumns;
        if (trimmed == "json")
            return new OutputFormat(OutputKind.Json, null);
        if (trimmed == "folded")
            return new OutputFormat(OutputKind.Folded, null);
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

    /// <summary>Throws the one-line error for a custom column the schema does not have: called
    /// before anything else prints, since the sink learns the schema only at start.</summary>
    public void CheckColumns(EventSchema schema)
    {
        if (Kind == OutputKind.Columns && Columns is not null)
            schema.Select(Columns);
    }

    /// <summary><see cref="CheckColumns"/>, and that the gadget can give this output at all.</summary>
    public void Check(GadgetDefinition gadget)
    {
        CheckColumns(gadget.Schema);
        if (Kind == OutputKind.Folded)
            FoldedSink.CheckGadget(gadget);
    }

    /// <summary>The sink that writes this format to <paramref name="output"/>; <paramref name="terminal"/>
    /// is the terminal that output is, if it is one (live tables for interval gadgets).</summary>
    public IGadgetSink CreateSink(Stream output, TextWriter diagnostics, ITerminal? terminal = null)
    {
        var buffer = new OutputBuffer(output);
        return Kind switch
        {
            OutputKind.Json => new JsonSink(buffer),
            OutputKind.Folded => new FoldedSink(buffer, diagnostics),
            _ => new ColumnsSink(buffer, diagnostics, Columns, terminal),
        };
    }
}
