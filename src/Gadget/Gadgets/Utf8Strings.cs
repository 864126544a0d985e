namespace Gadget.Gadgets;

/// <summary>Helpers for the NUL-terminated and NUL-separated strings that BPF programs emit.</summary>
public static class Utf8Strings
{
    /// <summary>The bytes before the first NUL (all of them when there is none).</summary>
    public static ReadOnlySpan<byte> CString(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.IndexOf((byte)0);
        return end < 0 ? bytes : bytes[..end];
    }

    /// <summary>Takes <paramref name="size"/> bytes (clamped to what is there) from the start of <paramref name="data"/>.</summary>
    public static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> data, int size) =>
        data[..Math.Clamp(size, 0, data.Length)];

    /// <summary>Writes each NUL-separated string of <paramref name="strings"/> as a list item.</summary>
    public static void WriteList(ReadOnlySpan<byte> strings, IFieldSink sink)
    {
        sink.BeginList();
        ForEach(strings, sink);
        sink.EndList();
    }

    /// <summary>Writes each NUL-separated string as an item of a list already begun.</summary>
    public static void ForEach(ReadOnlySpan<byte> strings, IFieldSink sink)
    {
        while (!strings.IsEmpty)
        {
            var end = strings.IndexOf((byte)0);
            var item = end < 0 ? strings : strings[..end];
            sink.ListItem(item);
            if (end < 0)
                break;
            strings = strings[(end + 1)..];
        }
    }
}
