using System.Globalization;
using Gadget.Runtime;

namespace Gadget.Output;

/// <summary>The line that ends every run on standard error, however it ended (its own end,
/// --timeout, Ctrl-C, a closed output): how many events were shown and how many the kernel
/// could not queue. On standard error so that standard output stays columns or JSON only.</summary>
public static class SummaryLine
{
    public static string Format(RunSummary summary)
    {
        var text = summary.Kind == Gadgets.GadgetKind.Stream
            ? string.Create(CultureInfo.InvariantCulture, $"ig: {summary.Events} {(summary.Events == 1 ? "event" : "events")}, {summary.Lost} lost")
            : string.Create(CultureInfo.InvariantCulture, $"ig: {summary.Frames} {(summary.Frames == 1 ? "frame" : "frames")} ({summary.Events} {(summary.Events == 1 ? "row" : "rows")}), {summary.Lost} lost");
        // Records shorter than their event type mean a layout mismatch: never hide them.
        if (summary.Malformed > 0)
            text += string.Create(CultureInfo.InvariantCulture, $", {summary.Malformed} malformed");
        return summary.Lost > 0 ? text + " (the ring buffer was full; a larger --ring-size may help)" : text;
    }
}
