using System.Text;
using System.Text.Json;

namespace Gadget.Gadgets.Profile.BlockIo;

/// <summary>One histogram of a report: which disk and flags (when asked per disk or per flag)
/// and its intervals.</summary>
public sealed record LatencyHistogram(string Disk, string Flags, IReadOnlyList<HistogramInterval> Intervals);

/// <summary>The histograms of a profile block-io frame, from its rows and back: the report's
/// text (as the reference and biolatency -D -F print it) and JSON (the reference's shape).</summary>
public static class HistogramRows
{
    /// <summary>Adds one row per interval of each histogram.</summary>
    public static void Add(Frame frame, IEnumerable<(LatencyHistogram Histogram, uint Dev)> histograms)
    {
        foreach (var (histogram, dev) in histograms)
        {
            foreach (var interval in histogram.Intervals)
            {
                frame.Add(new HistogramRow
                {
                    Disk = histogram.Disk,
                    Dev = dev,
                    Flags = histogram.Flags,
                    Count = interval.Count,
                    Start = interval.Start,
                    End = interval.End,
                }, null);
            }
        }
    }

    /// <summary>The histograms of a frame: consecutive rows of the same disk and flags.</summary>
    public static List<LatencyHistogram> Read(Frame frame)
    {
        var histograms = new List<LatencyHistogram>();
        List<HistogramInterval>? intervals = null;
        HistogramRow? first = null;
        for (var i = 0; i < frame.Count; i++)
        {
            var row = (HistogramRow)frame.Row(i);
            if (first is null || row.Dev != first.Dev || row.Disk != first.Disk || row.Flags != first.Flags || row.Start == 0)
            {
                if (first is not null)
                    histograms.Add(new LatencyHistogram(first.Disk, first.Flags, intervals!));
                first = row;
                intervals = [];
            }
            intervals!.Add(new HistogramInterval(row.Count, row.Start, row.End));
        }
        if (first is not null)
            histograms.Add(new LatencyHistogram(first.Disk, first.Flags, intervals!));
        return histograms;
    }

    /// <summary>The report as text. One histogram alone is printed as the reference prints it;
    /// per disk or per flag, each comes after a line naming them ("disk = vda	flags =
    /// Sync-Write", as biolatency does), the histograms apart by an empty line.</summary>
    public static void WriteText(IReadOnlyList<LatencyHistogram> histograms, bool perDisk, bool perFlag, StringBuilder output)
    {
        for (var i = 0; i < histograms.Count; i++)
        {
            var histogram = histograms[i];
            if (perDisk || perFlag)
            {
                if (i > 0)
                    output.Append('\n');
                if (perDisk)
                    output.Append("disk = ").Append(histogram.Disk.Length > 0 ? histogram.Disk : "Unknown");
                if (perDisk && perFlag)
                    output.Append('\t');
                if (perFlag)
                    output.Append("flags = ").Append(histogram.Flags);
                output.Append('\n');
            }
            Log2Histogram.Write(histogram.Intervals, Log2Histogram.Microseconds, output);
        }
    }

    /// <summary>The report as JSON: the reference's object ({"unit": "µs", "intervals": [{"count",
    /// "start", "end"}, ...]}) when there is one histogram (with no intervals when nothing was
    /// measured); per disk or per flag an array of them, each with "disk" and "flags".</summary>
    public static void WriteJson(IReadOnlyList<LatencyHistogram> histograms, bool perDisk, bool perFlag, Utf8JsonWriter writer)
    {
        if (!perDisk && !perFlag)
        {
            WriteObject(histograms.Count > 0 ? histograms[0] : new LatencyHistogram("", "", []), perDisk, perFlag, writer);
            return;
        }
        writer.WriteStartArray();
        foreach (var histogram in histograms)
            WriteObject(histogram, perDisk, perFlag, writer);
        writer.WriteEndArray();
    }

    private static void WriteObject(LatencyHistogram histogram, bool perDisk, bool perFlag, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        if (perDisk)
            writer.WriteString("disk"u8, histogram.Disk);
        if (perFlag)
            writer.WriteString("flags"u8, histogram.Flags);
        writer.WriteString("unit"u8, Log2Histogram.Microseconds);
        if (histogram.Intervals.Count > 0)
        {
            writer.WriteStartArray("intervals"u8);
            foreach (var interval in histogram.Intervals)
            {
                writer.WriteStartObject();
                writer.WriteNumber("count"u8, interval.Count);
                writer.WriteNumber("start"u8, interval.Start);
                writer.WriteNumber("end"u8, interval.End);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }
}
