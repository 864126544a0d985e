namespace Gadget.Gadgets.Top.Files;

/// <summary>top file: reads and writes per thread and file, every interval.</summary>
public sealed class FileGadget : IntervalGadget
{
    public const string AllFiles = "all-files";

    public override string Category => "top";
    public override string Name => "file";
    public override string Description => "Periodically report read/write activity by file";
    public override IReadOnlyList<string> DefaultSort => ["-reads", "-writes", "-rbytes", "-wbytes"];

    protected override IReadOnlyList<GadgetParameter> OwnParameters { get; } =
    [
        new(AllFiles, "Include non-regular file types (sockets, FIFOs, etc)", ParameterKind.Bool, Alias: 'a', DefaultValue: "false"),
    ];

    protected override IReadOnlyList<EventField> Fields { get; } =
    [
        ProcessFields.Pid(),
        ProcessFields.Tid(),
        ProcessFields.Comm(),
        new UIntField("reads", static (in EventRecord r) => r.Row<FileRow>().Reads) { Width = 8, Description = "Read calls" },
        new UIntField("writes", static (in EventRecord r) => r.Row<FileRow>().Writes) { Width = 8, Description = "Write calls" },
        ByteCountField.Create("rbytes", "Bytes read", static (in EventRecord r) => r.Row<FileRow>().ReadBytes),
        ByteCountField.Create("wbytes", "Bytes written", static (in EventRecord r) => r.Row<FileRow>().WriteBytes),
        new CustomField("t", static (in EventRecord r, IFieldSink s) =>
        {
            // The reference's JSON has the letter's code (a Go byte), its column the letter.
            var type = r.Row<FileRow>().FileType;
            if (s is IColumnSink)
                s.Utf8([type]);
            else
                s.UInt(type);
        })
        {
            JsonPath = "fileType", Width = 1, SortValue = static (in EventRecord r) => r.Row<FileRow>().FileType,
            Description = "R: regular file, S: socket, O: other (pipes, devices, ...); in JSON its character code",
        },
        new StringField("file", static (in EventRecord r) => r.Row<FileRow>().FileName) { JsonPath = "filename", Width = 24, Description = "File name (the last component of its path)" },
    ];

    public override IReadOnlyList<string> DefaultColumns(ParameterValues parameters) =>
        ["pid", "comm", "reads", "writes", "rbytes", "wbytes", "t", "file"];

    /// <summary>How runs read the descriptor and the file; null: as the kernel allows (see
    /// <see cref="FileRun"/>). Tests set them to cover the ways older kernels take.</summary>
    internal bool? WithRegisters { get; init; }

    internal bool? WithCast { get; init; }

    public override GadgetRun CreateRun(ParameterValues parameters) =>
        new FileRun(parameters.GetBool(AllFiles)) { WithRegisters = WithRegisters, WithCast = WithCast };
}
