using System.Globalization;
using System.Text;

namespace Gadget.Gadgets.Profile.BlockIo;

/// <summary>One bucket of a histogram: how many values lay in [Start, End].</summary>
public readonly record struct HistogramInterval(ulong Count, ulong Start, ulong End);

/// <summary>A power-of-two histogram as the kernel keeps it (slot i counts values in
/// [2^i, 2^(i+1) - 1], slot 0 also 0), turned into the reference's intervals and drawn as
/// the reference and biolatency draw it.</summary>
public static class Log2Histogram
{
    /// <summary>The unit the reference gives a microsecond histogram ("unit" in JSON, and the header).</summary>
    public const string Microseconds = "µs";

    private const int StarsWidth = 40;

    /// <summary>The intervals of the slots, up to the last one that counted something; the
    /// first interval starts at 0. No slots: no intervals. All slots zero: the first interval
    /// alone, as the reference does.</summary>
    public static List<HistogramInterval> FromSlots(ReadOnlySpan<uint> slots)
    {
        var intervals = new List<HistogramInterval>(slots.Length);
        var last = 0;
        for (var i = 0; i < slots.Length && i < 64; i++)
        {
            if (slots[i] > 0)
                last = i;
            var start = 1UL << i;
            var end = i == 63 ? ulong.MaxValue : 2 * start - 1;
            intervals.Add(new HistogramInterval(slots[i], i == 0 ? 0 : start, end));
        }
        if (intervals.Count > last + 1)
            intervals.RemoveRange(last + 1, intervals.Count - last - 1);
        return intervals;
    }

    /// <summary>Writes the histogram as the reference prints it: a header naming the unit, then
    /// one line per interval with its count and a bar of up to 40 stars scaled to the largest
    /// count. Nothing at all for no intervals.</summary>
    public static void Write(IReadOnlyList<HistogramInterval> intervals, string unit, StringBuilder output)
    {
        if (intervals.Count == 0)
            return;
        ulong max = 0;
        foreach (var interval in intervals)
            max = Math.Max(max, interval.Count);

        var culture = CultureInfo.InvariantCulture;
        output.Append(' ', 8).Append(unit.PadRight(16)).Append(" : count    distribution\n");
        foreach (var interval in intervals)
        {
            output.Append(interval.Start.ToString(culture).PadLeft(10))
                .Append(" -> ")
                .Append(interval.End.ToString(culture).PadRight(10))
                .Append(" : ")
                .Append(interval.Count.ToString(culture).PadRight(8))
                .Append(" |");
            AppendStars(interval.Count, max, StarsWidth, output);
            output.Append("|\n");
        }
    }

    /// <summary>A bar of <paramref name="width"/> characters, stars for the share of
    /// <paramref name="value"/> in <paramref name="max"/> (rounded down), spaces for the rest.</summary>
    public static void AppendStars(ulong value, ulong max, int width, StringBuilder output)
    {
        // UInt128: a count near ulong.MaxValue times the width must not wrap.
        var stars = max == 0 ? 0 : (int)((UInt128)Math.Min(value, max) * (uint)width / max);
        output.Append('*', stars).Append(' ', width - stars);
    }
}
