using System.Globalization;
using System.Text;
using Gadget.Gadgets.Profile.Cpu.Rendering;

namespace Gadget.Gadgets.Profile.Cpu;

/// <summary>profile cpu: samples the stacks of the selected containers' processes on every CPU
/// until stopped, then reports each stack with its sample count. User frames are named from
/// each process's own files (the reference leaves them "[unknown]").</summary>
public sealed class CpuGadget : ProfileGadget, IFoldedStacks
{
    public const string UserStackParameter = "user-stack";
    public const string KernelStackParameter = "kernel-stack";
    public const string FrequencyParameter = "frequency";
    public const string FlameGraphParameter = "flamegraph";

    /// <summary>The reference's sampling frequency (perfSampleFreq), samples per second per CPU.</summary>
    public const uint DefaultFrequency = 49;

    public override string Category => "profile";
    public override string Name => "cpu";
    public override string Description => "Analyze CPU performance by sampling stack traces";

    protected override IReadOnlyList<GadgetParameter> OwnParameters { get; } =
    [
        new(UserStackParameter, "Show stacks from user space only (no kernel space stacks)", ParameterKind.Bool, Alias: 'U', DefaultValue: "false"),
        new(KernelStackParameter, "Show stacks from kernel space only (no user space stacks)", ParameterKind.Bool, Alias: 'K', DefaultValue: "false"),
        new(FrequencyParameter, "Samples per second on each CPU", ParameterKind.UInt, Alias: 'F',
            DefaultValue: DefaultFrequency.ToString(CultureInfo.InvariantCulture))
        {
            Validator = static text => uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var hz) && hz > 0 ? null : "a number of samples per second above 0",
        },
        new(FlameGraphParameter, "Also write the report as an interactive flame graph to this SVG file", ParameterKind.String) { IsOutputFile = true },
    ];

    protected override IReadOnlyList<EventField> Fields { get; } =
    [
        ProcessFields.Comm(),
        ProcessFields.Pid(),
        new CustomField("userStack", static (in EventRecord r, IFieldSink s) => WriteFrames(r.Row<StackRow>().UserStack, s))
        { Visibility = FieldVisibility.JsonOnly, Description = "User-space frames, innermost first" },
        new CustomField("kernelStack", static (in EventRecord r, IFieldSink s) => WriteFrames(r.Row<StackRow>().KernelStack, s))
        { Visibility = FieldVisibility.JsonOnly, Description = "Kernel frames, innermost first" },
        new UIntField("count", static (in EventRecord r) => r.Row<StackRow>().Count) { Description = "Samples of this stack" },
    ];

    public override IReadOnlyList<string> DefaultColumns(ParameterValues parameters) => ["comm", "pid", "count"];

    public override void Validate(ParameterValues parameters)
    {
        if (parameters.GetBool(UserStackParameter) && parameters.GetBool(KernelStackParameter))
            throw new GadgetException("-U and -K can't be used at the same time");
        var frequency = parameters.GetUInt(FrequencyParameter);
        if (SamplingLimit() is { } limit && frequency > limit)
            throw new GadgetException($"--frequency {frequency} is above the kernel's limit of {limit} samples per second (kernel.perf_event_max_sample_rate)");
        if (parameters.GetString(FlameGraphParameter) is { } path)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is null || !Directory.Exists(directory))
                throw new GadgetException($"--flamegraph {path}: directory {directory} does not exist");
            if (Directory.Exists(path))
                throw new GadgetException($"--flamegraph {path} is a directory");
        }
    }

    public override GadgetRun CreateRun(ParameterValues parameters) => new CpuRun(
        userOnly: parameters.GetBool(UserStackParameter),
        kernelOnly: parameters.GetBool(KernelStackParameter),
        frequency: parameters.GetUInt(FrequencyParameter));

    /// <summary>One JSON object a line per stack, as the reference prints its reports.</summary>
    public override bool JsonRowPerLine => true;

    /// <summary>The report's own text form is the table with each row's frames under it
    /// (<see cref="WriteRowLines"/>); this only writes the flame graph, where the output is.</summary>
    public override bool TryWriteText(Frame frame, ParameterValues parameters, StringBuilder output)
    {
        WriteFlameGraph(frame, parameters);
        return false;
    }

    /// <summary>JSON keeps the rows' shape (<see cref="JsonRowPerLine"/>); this only writes the flame graph.</summary>
    public override bool TryWriteJson(Frame frame, ParameterValues parameters, System.Text.Json.Utf8JsonWriter writer)
    {
        WriteFlameGraph(frame, parameters);
        return false;
    }

    public override void WriteRowLines(in EventRecord record, ParameterValues parameters, StringBuilder output) =>
        WriteFrameLines(record.Row<StackRow>(), output);

    public void WriteFolded(Frame frame, ParameterValues parameters, TextWriter output)
    {
        WriteFlameGraph(frame, parameters);
        FoldedStacks.Write(Stacks(frame), output);
    }

    /// <summary>The stacks of a report, for the folded and flame graph renderers.</summary>
    public static IEnumerable<SampledStack> Stacks(Frame frame)
    {
        for (var i = 0; i < frame.Count; i++)
        {
            var row = (StackRow)frame.Row(i);
            yield return new SampledStack(Encoding.UTF8.GetString(Utf8Strings.CString(row.Header.Comm)), row.UserStack, row.KernelStack, row.Count);
        }
    }

    /// <summary>The reference's text report: each row, then its frames one a line under it,
    /// indented by a tab: the kernel stack from its entry to the leaf, then the user stack
    /// from its root to the leaf (v0.41.2's ExtraLines order).</summary>
    public static void WriteFrameLines(StackRow row, StringBuilder output)
    {
        for (var i = row.KernelStack.Count - 1; i >= 0; i--)
            output.Append('\t').Append(row.KernelStack[i]).Append('\n');
        for (var i = row.UserStack.Count - 1; i >= 0; i--)
            output.Append('\t').Append(row.UserStack[i]).Append('\n');
    }

    /// <summary>Writes the flame graph asked for with --flamegraph, if any.</summary>
    public static void WriteFlameGraph(Frame frame, ParameterValues parameters)
    {
        if (parameters.GetString(FlameGraphParameter) is not { } path)
            return;
        var stacks = Stacks(frame).ToList();
        var samples = stacks.Aggregate(0UL, (sum, s) => sum + s.Count);
        var frequency = parameters.GetUInt(FrequencyParameter);
        try
        {
            using var output = new StreamWriter(path, append: false, new UTF8Encoding(false));
            FlameGraphSvg.Write(stacks, output, "CPU profile",
                string.Create(CultureInfo.InvariantCulture, $"ig profile cpu: {samples} samples at {frequency} Hz"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GadgetException($"--flamegraph {path}: {e.Message}", e);
        }
    }

    private static void WriteFrames(IReadOnlyList<string> frames, IFieldSink sink)
    {
        if (frames.Count == 0)
            return;
        sink.BeginList();
        foreach (var frame in frames)
            sink.ListItem(Encoding.UTF8.GetBytes(frame));
        sink.EndList();
    }

    /// <summary>kernel.perf_event_max_sample_rate, or null when it cannot be read.</summary>
    private static uint? SamplingLimit()
    {
        try
        {
            return uint.TryParse(File.ReadAllText("/proc/sys/kernel/perf_event_max_sample_rate").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) ? limit : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
