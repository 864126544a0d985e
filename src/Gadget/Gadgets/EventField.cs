namespace Gadget.Gadgets;

public delegate long IntGetter(in EventRecord record);
public delegate ulong UIntGetter(in EventRecord record);
public delegate bool BoolGetter(in EventRecord record);
public delegate ReadOnlySpan<byte> Utf8Getter(in EventRecord record);
public delegate void FieldWriter(in EventRecord record, IFieldSink sink);

public enum FieldAlignment
{
    Left,
    Right,
}

/// <summary>Where a field appears.</summary>
public enum FieldVisibility
{
    /// <summary>In JSON, and among the columns (default or chosen with -o columns=...).</summary>
    Everywhere,

    /// <summary>Only in JSON (e.g. "type", raw flags).</summary>
    JsonOnly,

    /// <summary>Only among the columns (a combination of JSON fields).</summary>
    ColumnsOnly,
}

/// <summary>One field of a gadget's events: its column (name, width, alignment), its JSON
/// property, and how to read it from a record.</summary>
public abstract class EventField
{
    private protected EventField(string name)
    {
        Name = name;
        JsonPath = name;
    }

    /// <summary>The column name, as used in -o columns=...; shown upper-cased as the header.</summary>
    public string Name { get; }

    /// <summary>The column header; the upper-cased name unless set.</summary>
    public string Header
    {
        get => _header ?? Name.ToUpperInvariant();
        init => _header = value;
    }

    private readonly string? _header;

    /// <summary>The JSON property; dots nest objects ("k8s.podName").</summary>
    public string JsonPath { get; init; }

    public string Description { get; init; } = "";

    /// <summary>Columns wide; longer values are cut with an ellipsis unless the column is last.</summary>
    public int Width { get; init; } = 16;

    public FieldAlignment Alignment { get; init; } = FieldAlignment.Left;

    public FieldVisibility Visibility { get; init; } = FieldVisibility.Everywhere;

    /// <summary>JSON leaves the property out when the value is zero or empty.</summary>
    public bool OmitEmpty { get; init; } = true;

    /// <summary>Joins list items in a column.</summary>
    public string ListSeparator { get; init; } = " ";

    public abstract void Write(in EventRecord record, IFieldSink sink);

    /// <summary>Whether --sort can order by this field.</summary>
    public virtual bool IsSortable => SortValue is not null || SortText is not null;

    /// <summary>The number a field that writes itself is sorted by (e.g. bytes shown as "4KiB").</summary>
    public UIntGetter? SortValue { get; init; }

    /// <summary>The text a field that writes itself is sorted by, byte by byte (e.g. a container's name).</summary>
    public Utf8Getter? SortText { get; init; }

    /// <summary>Orders two records by this field's value (for --sort).</summary>
    public virtual int Compare(in EventRecord a, in EventRecord b) =>
        SortValue is { } value ? value(a).CompareTo(value(b))
        : SortText is { } text ? text(a).SequenceCompareTo(text(b))
        : 0;
}

/// <summary>A signed number, right-aligned.</summary>
public sealed class IntField : EventField
{
    private readonly IntGetter _get;

    public IntField(string name, IntGetter get) : base(name)
    {
        _get = get;
        Alignment = FieldAlignment.Right;
        Width = 7;
    }

    public override void Write(in EventRecord record, IFieldSink sink) => sink.Int(_get(record));

    public override bool IsSortable => true;

    public override int Compare(in EventRecord a, in EventRecord b) => _get(a).CompareTo(_get(b));
}

/// <summary>An unsigned number, right-aligned.</summary>
public sealed class UIntField : EventField
{
    private readonly UIntGetter _get;

    public UIntField(string name, UIntGetter get) : base(name)
    {
        _get = get;
        Alignment = FieldAlignment.Right;
        Width = 7;
    }

    public override void Write(in EventRecord record, IFieldSink sink) => sink.UInt(_get(record));

    public override bool IsSortable => true;

    public override int Compare(in EventRecord a, in EventRecord b) => _get(a).CompareTo(_get(b));
}

public sealed class BoolField : EventField
{
    private readonly BoolGetter _get;

    public BoolField(string name, BoolGetter get) : base(name)
    {
        _get = get;
        Width = 5;
    }

    public override void Write(in EventRecord record, IFieldSink sink) => sink.Bool(_get(record));

    public override bool IsSortable => true;

    public override int Compare(in EventRecord a, in EventRecord b) => _get(a).CompareTo(_get(b));
}

/// <summary>A UTF-8 string read in place from the record.</summary>
public sealed class StringField : EventField
{
    private readonly Utf8Getter _get;

    public StringField(string name, Utf8Getter get) : base(name) => _get = get;

    public override void Write(in EventRecord record, IFieldSink sink) => sink.Utf8(_get(record));

    public override bool IsSortable => true;

    public override int Compare(in EventRecord a, in EventRecord b) => _get(a).SequenceCompareTo(_get(b));
}

/// <summary>Anything else (lists, maps, names of flags): the field writes to the sink itself.</summary>
public sealed class CustomField : EventField
{
    private readonly FieldWriter _write;

    public CustomField(string name, FieldWriter write) : base(name) => _write = write;

    public override void Write(in EventRecord record, IFieldSink sink) => _write(record, sink);
}
