using System.Text;
using System.Text.Json;

namespace Gadget.Gadgets.Profile.BlockIo;

/// <summary>profile block-io: a histogram of block I/O latency (issue to completion) gathered
/// in the kernel until the run stops, optionally one per disk and per set of request flags
/// (biolatency -D and -F).</summary>
public sealed class BlockIoGadget : ProfileGadget
{
    public const string PerDisk = "per-disk";
    public const string PerFlag = "per-flag";

    public override string Category => "profile";
    public override string Name => "block-io";
    public override string Description => "Analyze block I/O performance through a latency distribution";

    protected override IReadOnlyList<GadgetParameter> OwnParameters { get; } =
    [
        new(PerDisk, "Print a histogram per disk device", ParameterKind.Bool, Alias: 'D', DefaultValue: "false"),
        new(PerFlag, "Print a histogram per set of I/O flags", ParameterKind.Bool, Alias: 'F', DefaultValue: "false"),
    ];

    /// <summary>The fields of one interval of a histogram (a row); the report's own text and
    /// JSON forms group the rows back into histograms.</summary>
    protected override IReadOnlyList<EventField> Fields { get; } =
    [
        new StringField("disk", static (in EventRecord r) => Encoding.UTF8.GetBytes(r.Row<HistogramRow>().Disk)) { Width = 12, Description = "The disk (--per-disk)" },
        new StringField("flags", static (in EventRecord r) => Encoding.UTF8.GetBytes(r.Row<HistogramRow>().Flags)) { Width = 24, Description = "The requests' operation and flags (--per-flag)" },
        new UIntField("start", static (in EventRecord r) => r.Row<HistogramRow>().Start) { Width = 10, OmitEmpty = false, Description = "First latency of the interval, in µs" },
        new UIntField("end", static (in EventRecord r) => r.Row<HistogramRow>().End) { Width = 10, OmitEmpty = false, Description = "Last latency of the interval, in µs" },
        new UIntField("count", static (in EventRecord r) => r.Row<HistogramRow>().Count) { Width = 10, OmitEmpty = false, Description = "Requests whose latency lay in the interval" },
    ];

    public override IReadOnlyList<string> DefaultColumns(ParameterValues parameters)
    {
        var columns = new List<string>();
        if (parameters.GetBool(PerDisk))
            columns.Add("disk");
        if (parameters.GetBool(PerFlag))
            columns.Add("flags");
        columns.AddRange(["start", "end", "count"]);
        return columns;
    }

    public override GadgetRun CreateRun(ParameterValues parameters) =>
        new BlockIoRun(parameters.GetBool(PerDisk), parameters.GetBool(PerFlag));

    public override bool TryWriteText(Frame frame, ParameterValues parameters, StringBuilder output)
    {
        HistogramRows.WriteText(HistogramRows.Read(frame), parameters.GetBool(PerDisk), parameters.GetBool(PerFlag), output);
        return true;
    }

    public override bool TryWriteJson(Frame frame, ParameterValues parameters, Utf8JsonWriter writer)
    {
        HistogramRows.WriteJson(HistogramRows.Read(frame), parameters.GetBool(PerDisk), parameters.GetBool(PerFlag), writer);
        return true;
    }
}
