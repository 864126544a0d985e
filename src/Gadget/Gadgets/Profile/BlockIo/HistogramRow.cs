namespace Gadget.Gadgets.Profile.BlockIo;

/// <summary>One interval (bucket) of one latency histogram of profile block-io. A histogram is
/// the run of consecutive rows with the same disk and flags; the text and JSON forms put them
/// back together (<see cref="HistogramRows"/>).</summary>
public sealed class HistogramRow : GadgetRow
{
    /// <summary>The disk's name (--per-disk), e.g. "vda"; empty otherwise.</summary>
    public string Disk { get; init; } = "";

    /// <summary>The disk's device number, major &lt;&lt; 20 | first minor (--per-disk); 0 otherwise.</summary>
    public uint Dev { get; init; }

    /// <summary>The requests' operation and flags, e.g. "Sync-Write" (--per-flag); empty otherwise.</summary>
    public string Flags { get; init; } = "";

    public ulong Count { get; init; }

    /// <summary>The interval's first value, in <see cref="Log2Histogram.Microseconds"/>.</summary>
    public ulong Start { get; init; }

    /// <summary>The interval's last value.</summary>
    public ulong End { get; init; }
}
