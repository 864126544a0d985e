namespace Gadget.Gadgets;

/// <summary>The --sort keys of a frame gadget: column names, each ascending or, with a leading
/// '-', descending ("-reads,comm"), compared by the fields' values, not their text.</summary>
public sealed class SortOrder
{
    private SortOrder(IReadOnlyList<(EventField Field, bool Descending)> keys) => Keys = keys;

    public static SortOrder None { get; } = new([]);

    public IReadOnlyList<(EventField Field, bool Descending)> Keys { get; }

    /// <summary>Parses a comma list of column names; an unknown name is one error line.</summary>
    public static SortOrder Parse(string? text, EventSchema schema)
    {
        var keys = new List<(EventField, bool)>();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var descending = part.StartsWith('-');
            var name = part.TrimStart('-', '+');
            if (!schema.TryGet(name, out var field) || !field.IsSortable)
                throw new GadgetException($"invalid --sort \"{part}\": no such column; sortable: {string.Join(", ", schema.Fields.Where(f => f.IsSortable && f.Visibility != FieldVisibility.JsonOnly).Select(f => f.Name))}");
            keys.Add((field, descending));
        }
        return keys.Count == 0 ? None : new SortOrder(keys);
    }

    public int Compare(in EventRecord a, in EventRecord b)
    {
        foreach (var (field, descending) in Keys)
        {
            var result = field.Compare(a, b);
            if (result != 0)
                return descending ? -result : result;
        }
        return 0;
    }
}
