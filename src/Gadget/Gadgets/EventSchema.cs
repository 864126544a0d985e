namespace Gadget.Gadgets;

/// <summary>All fields of a gadget's events (common ones first), found by column name.</summary>
public sealed class EventSchema
{
    private readonly Dictionary<string, EventField> _byName = new(StringComparer.OrdinalIgnoreCase);

    public EventSchema(IEnumerable<EventField> fields)
    {
        Fields = fields.ToArray();
        foreach (var field in Fields)
        {
            if (_byName.TryAdd(field.Name, field))
                continue;
            // A JSON-only field may share its name with a column: the common "type" (JSON
            // "type": "normal") and trace dns's TYPE column (JSON "pktType"). Columns go by the column.
            var existing = _byName[field.Name];
            if (existing.Visibility == field.Visibility || existing.JsonPath == field.JsonPath)
                throw new ArgumentException($"two fields are named {field.Name}");
            if (field.Visibility != FieldVisibility.JsonOnly)
                _byName[field.Name] = field;
        }
    }

    public IReadOnlyList<EventField> Fields { get; }

    /// <summary>The fields that JSON output carries.</summary>
    public IEnumerable<EventField> JsonFields => Fields.Where(f => f.Visibility != FieldVisibility.ColumnsOnly);

    public bool TryGet(string name, out EventField field) => _byName.TryGetValue(name, out field!);

    /// <summary>The fields for column names, or a <see cref="GadgetException"/> naming the unknown one.</summary>
    public IReadOnlyList<EventField> Select(IEnumerable<string> names) =>
        names.Select(name => TryGet(name, out var field) && field.Visibility != FieldVisibility.JsonOnly
            ? field
            : throw UnknownColumn(name, Fields.Where(f => f.Visibility != FieldVisibility.JsonOnly).Select(f => f.Name)))
        .ToArray();

    /// <summary>The error for a column name in -o columns=... that is none of <paramref name="available"/>.</summary>
    internal static GadgetException UnknownColumn(string name, IEnumerable<string> available) =>
        new($"unknown column \"{name}\"; available: {string.Join(", ", available)}");
}
