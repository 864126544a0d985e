using Gadget.Containers;

namespace Gadget.Gadgets;

/// <summary>A whole result of a frame gadget: one interval's table, a snapshot, a report. Rows
/// are attributed to their containers as they are added (on the node), so that whoever renders
/// the frame, here or on a remote client, needs nothing but the frame.</summary>
public sealed class Frame
{
    private readonly IContainerResolver? _containers;
    private readonly List<Entry> _entries = [];

    public Frame(IContainerResolver? containers, long unixOffsetNs)
    {
        _containers = containers;
        UnixOffsetNs = unixOffsetNs;
    }

    private readonly record struct Entry(GadgetRow Row, ContainerInfo? Container);

    /// <summary>Nanoseconds to add to a boot-clock timestamp to get Unix time.</summary>
    public long UnixOffsetNs { get; }

    public int Count => _entries.Count;

    /// <summary>Rows the frame had before <see cref="Truncate"/> (e.g. shown as "N more" by a table).</summary>
    public int TotalRows { get; private set; }

    /// <summary>Which interval this is (1 for the first), for interval gadgets; 0 otherwise.</summary>
    public int Sequence { get; init; }

    public void Add(GadgetRow row)
    {
        _entries.Add(new Entry(row, _containers?.Resolve(row.Header.MntnsId)));
        TotalRows = _entries.Count;
    }

    /// <summary>Adds a row with its container already known (e.g. a socket of a container's network namespace).</summary>
    public void Add(GadgetRow row, ContainerInfo? container)
    {
        _entries.Add(new Entry(row, container));
        TotalRows = _entries.Count;
    }

    public GadgetRow Row(int index) => _entries[index].Row;

    public EventRecord Record(int index) => new(_entries[index].Row, _entries[index].Container, UnixOffsetNs);

    /// <summary>Orders the rows by the keys, first key first; equal rows keep their order.</summary>
    public void Sort(SortOrder order)
    {
        if (order.Keys.Count == 0 || _entries.Count < 2)
            return;
        var sorted = _entries.Select((entry, index) => (entry, index)).ToList();
        sorted.Sort((a, b) =>
        {
            var ra = new EventRecord(a.entry.Row, a.entry.Container, UnixOffsetNs);
            var rb = new EventRecord(b.entry.Row, b.entry.Container, UnixOffsetNs);
            var result = order.Compare(ra, rb);
            return result != 0 ? result : a.index.CompareTo(b.index);
        });
        _entries.Clear();
        _entries.AddRange(sorted.Select(s => s.entry));
    }

    /// <summary>Keeps the first <paramref name="rows"/> rows (after sorting); 0 keeps all.</summary>
    public void Truncate(int rows)
    {
        if (rows > 0 && _entries.Count > rows)
            _entries.RemoveRange(rows, _entries.Count - rows);
    }
}
