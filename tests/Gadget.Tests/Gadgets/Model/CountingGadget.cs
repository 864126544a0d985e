using Gadget.Gadgets;

namespace Gadget.Tests.Gadgets.Model;

/// <summary>A small interval gadget of the tests' own, to exercise frames, sorting and the sinks
/// without a kernel: rows of a process with a count and a byte total shown as text.</summary>
internal sealed class CountingGadget : IntervalGadget
{
    public sealed class CountRow : GadgetRow
    {
        public ulong Count;
        public ulong Bytes;
    }

    public override string Category => "top";
    public override string Name => "counting";
    public override string Description => "Counts things";
    public override IReadOnlyList<string> DefaultSort => ["-count", "comm"];

    protected override IReadOnlyList<EventField> Fields { get; } =
    [
        ProcessFields.Pid(),
        ProcessFields.Comm(),
        new UIntField("count", static (in EventRecord r) => r.Row<CountRow>().Count),
        new CustomField("bytes", static (in EventRecord r, IFieldSink s) =>
        {
            if (s is IColumnSink)
                s.Text($"{r.Row<CountRow>().Bytes / 1024}KiB");
            else
                s.UInt(r.Row<CountRow>().Bytes);
        })
        { SortValue = static (in EventRecord r) => r.Row<CountRow>().Bytes },
    ];

    public override IReadOnlyList<string> DefaultColumns(ParameterValues parameters) => ["pid", "comm", "count", "bytes"];

    public override GadgetRun CreateRun(ParameterValues parameters) => throw new NotSupportedException("the tests build frames by hand");

    public static CountRow Row(uint pid, string comm, ulong count, ulong bytes = 0, ulong mntns = 4026531840) =>
        new() { Header = RecordBuilder.Header(pid, comm, mntns), Count = count, Bytes = bytes };
}
