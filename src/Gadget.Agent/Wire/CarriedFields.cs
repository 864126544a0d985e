using Gadget.Agent.Protocol;
using Gadget.Gadgets;

namespace Gadget.Agent.Wire;

/// <summary>Which fields' values a run's records carry: those the client's output shows that it
/// cannot compute itself. The common fields (container, pod, timestamp, mount namespace) never
/// travel as values: the client computes them from each record's container and header.</summary>
internal static class CarriedFields
{
    /// <summary>Indices into the schema's fields, in the order records carry them.</summary>
    public static IReadOnlyList<int> Choose(EventSchema schema, OutputView view, IReadOnlyList<string> columns, IReadOnlyList<string> defaultColumns)
    {
        IEnumerable<EventField> shown = view switch
        {
            OutputView.Columns => schema.Select(columns.Count > 0 ? columns : defaultColumns),
            OutputView.Json => schema.JsonFields,
            _ => [],
        };
        var indices = new List<int>();
        foreach (var field in shown.Distinct())
        {
            var index = IndexOf(schema, field);
            if (!IsCommon(schema, index) && !indices.Contains(index))
                indices.Add(index);
        }
        return indices;
    }

    /// <summary>Whether the schema's field at <paramref name="index"/> is one of <see cref="CommonFields.All"/>
    /// (a schema lists them first).</summary>
    public static bool IsCommon(EventSchema schema, int index) =>
        index < CommonFields.All.Count && ReferenceEquals(schema.Fields[index], CommonFields.All[index]);

    private static int IndexOf(EventSchema schema, EventField field)
    {
        for (var i = 0; i < schema.Fields.Count; i++)
        {
            if (ReferenceEquals(schema.Fields[i], field))
                return i;
        }
        throw new InvalidOperationException($"field {field.Name} is not in the schema");
    }
}
