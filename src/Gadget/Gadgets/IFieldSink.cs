namespace Gadget.Gadgets;

/// <summary>Where a field writes its value: a column of a text line, a JSON property, ...
/// Implementations format straight into their output buffer.</summary>
public interface IFieldSink
{
    void Int(long value);
    void UInt(ulong value);
    void Bool(bool value);

    /// <summary>A UTF-8 string (no NUL terminator).</summary>
    void Utf8(ReadOnlySpan<byte> value);

    void Text(string value);

    /// <summary>A point in time, in nanoseconds since the Unix epoch.</summary>
    void Timestamp(long unixNanoseconds);

    /// <summary>Starts a list of strings (a JSON array; joined by the field's separator in a column).</summary>
    void BeginList();

    void ListItem(ReadOnlySpan<byte> utf8);

    void EndList();

    /// <summary>Starts a string-to-string map (a JSON object; key=value pairs in a column).</summary>
    void BeginMap();

    void MapEntry(string key, string value);

    void EndMap();
}

/// <summary>Marks a sink that renders text columns, for the few fields that read better in
/// words there (an errno name) than the number JSON carries.</summary>
public interface IColumnSink : IFieldSink
{
}
