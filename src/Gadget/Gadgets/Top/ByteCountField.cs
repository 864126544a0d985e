using Gadget.Gadgets.Common;

namespace Gadget.Gadgets.Top;

/// <summary>A byte count of a top gadget, as the reference shows them: go-units text in columns
/// ("1.5KiB"), the number in JSON (left out when 0, as the reference's omitempty does); sorted
/// by the number.</summary>
public static class ByteCountField
{
    public static EventField Create(string name, string description, UIntGetter bytes, string? jsonPath = null) =>
        new CustomField(name, (in EventRecord r, IFieldSink s) =>
        {
            var value = bytes(r);
            if (s is IColumnSink)
            {
                Span<byte> text = stackalloc byte[ByteSizeText.MaxLength];
                s.Utf8(text[..ByteSizeText.Format(value, text)]);
            }
            else
            {
                s.UInt(value);
            }
        })
        {
            JsonPath = jsonPath ?? name,
            Width = 9,
            Alignment = FieldAlignment.Right,
            SortValue = bytes,
            Description = description,
        };
}
