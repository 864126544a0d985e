namespace Gadget.Gadgets.Top.BlockIo;

/// <summary>top block-io (biotop): block device I/O per process, disk and direction, a sorted
/// table every interval, with the reference's columns and JSON names.</summary>
public sealed class BlockIoGadget : IntervalGadget
{
    public override string Category => "top";
    public override string Name => "block-io";
    public override IReadOnlyList<string> Aliases => ["biotop"];
    public override IReadOnlyList<string> TopLevelAliases => ["biotop"];
    public override string Description => "Periodically report block device I/O activity";

    /// <summary>The reference's SortByDefault.</summary>
    public override IReadOnlyList<string> DefaultSort => ["-ops", "-bytes", "-time"];

    protected override IReadOnlyList<EventField> Fields { get; } =
    [
        ProcessFields.Pid(),
        ProcessFields.Comm(),
        new CustomField("r/w", static (in EventRecord r, IFieldSink s) =>
        {
            // "R" or "W" in a column; in JSON the reference's "write" boolean (left out when false).
            var write = r.Row<BlockIoRow>().Write;
            if (s is IColumnSink)
                s.Utf8(write ? "W"u8 : "R"u8);
            else
                s.Bool(write);
        })
        {
            JsonPath = "write",
            Width = 3,
            SortValue = static (in EventRecord r) => r.Row<BlockIoRow>().Write ? 1UL : 0UL,
            Description = "Whether the requests wrote (W) or read (R)",
        },
        new IntField("major", static (in EventRecord r) => r.Row<BlockIoRow>().Major) { Width = 5, Description = "Major number of the disk" },
        new IntField("minor", static (in EventRecord r) => r.Row<BlockIoRow>().Minor) { Width = 5, Description = "Minor number of the disk (its first)" },
        new UIntField("bytes", static (in EventRecord r) => r.Row<BlockIoRow>().Bytes) { Width = 12, Description = "Bytes the requests moved" },
        new UIntField("time", static (in EventRecord r) => r.Row<BlockIoRow>().MicroSecs)
        {
            JsonPath = "us",
            Width = 10,
            Description = "Microseconds from issue to the device to completion, summed over the requests",
        },
        new UIntField("ops", static (in EventRecord r) => r.Row<BlockIoRow>().Operations) { Width = 6, Description = "Requests completed" },
    ];

    public override IReadOnlyList<string> DefaultColumns(ParameterValues parameters) =>
        ["pid", "comm", "r/w", "major", "minor", "bytes", "time", "ops"];

    public override GadgetRun CreateRun(ParameterValues parameters) => new BlockIoRun();
}
