using Gadget.Native;

namespace Gadget.Gadgets.Trace.Mount;

/// <summary>trace mount: every mount(2) and umount2(2), with its arguments, result and latency.</summary>
public sealed class MountGadget : TraceGadget
{
    public override string Category => "trace";
    public override string Name => "mount";
    public override string Description => "Trace mount and umount system calls";
    protected internal override string BpfObjectName => "mount.bpf.o";
    public override int MinimumRecordSize => System.Runtime.CompilerServices.Unsafe.SizeOf<MountEvent>();

    protected override IReadOnlyList<EventField> Fields { get; } =
    [
        ProcessFields.Comm(),
        ProcessFields.Pid(),
        ProcessFields.Tid(),
        ProcessFields.Uid(),
        ProcessFields.Gid(),
        new CustomField("op", static (in EventRecord r, IFieldSink s) => s.Utf8(Operation(r) == MountOperation.Umount ? "umount"u8 : "mount"u8))
        { JsonPath = "operation", Width = 6, Description = "mount or umount" },
        new IntField("ret", static (in EventRecord r) => r.As<MountEvent>().Ret) { Width = 4, Description = "0, or the negative errno" },
        new UIntField("latency", static (in EventRecord r) => r.As<MountEvent>().Latency) { Width = 10, Description = "Time spent in the system call, in nanoseconds (0 for a call refused before it started, e.g. by seccomp)" },
        new StringField("fs", static (in EventRecord r) => Fs(r)) { Width = 8, Description = "File system type" },
        new StringField("src", static (in EventRecord r) => Source(r)) { JsonPath = "source", Width = 16 },
        new StringField("dst", static (in EventRecord r) => Target(r)) { JsonPath = "target", Width = 16 },
        new StringField("data", static (in EventRecord r) => Data(r)) { Width = 16, Description = "File system specific options" },
        new CustomField("flags", static (in EventRecord r, IFieldSink s) => MountFlags.Write(Operation(r), r.As<MountEvent>().Flags, s))
        { Width = 24, ListSeparator = " | " },
        new UIntField("flagsRaw", static (in EventRecord r) => r.As<MountEvent>().Flags) { Visibility = FieldVisibility.JsonOnly },
        new CustomField("call", WriteCall) { Width = 80, ListSeparator = " | ", Visibility = FieldVisibility.ColumnsOnly, Description = "The call as written in C" },
    ];

    public override IReadOnlyList<string> DefaultColumns(ParameterValues parameters) => ["comm", "pid", "tid", "call"];

    public override void Configure(BpfObject bpf, ParameterValues parameters) =>
        // Calls refused by seccomp are seen at exit only; their arguments are in the saved registers.
        bpf.SetConstant("with_regs", KernelFeatures.HasHelper(BpfProgramType.Tracepoint, BpfHelper.TaskPtRegs)
            && KernelFeatures.HasHelper(BpfProgramType.Tracepoint, BpfHelper.GetCurrentTaskBtf));

    private static MountOperation Operation(in EventRecord r) => (MountOperation)r.As<MountEvent>().Op;

    /// <summary>The i-th string after the event: 0 source, 1 target, 2 fs, 3 options.</summary>
    private static ReadOnlySpan<byte> String(in EventRecord r, int index)
    {
        ref readonly var e = ref r.As<MountEvent>();
        var tail = r.Tail<MountEvent>();
        ReadOnlySpan<int> sizes = [e.SourceSize, e.TargetSize, e.FsSize, e.DataSize];
        var start = 0;
        for (var i = 0; i < index; i++)
            start += sizes[i];
        if (start >= tail.Length)
            return default;
        return Utf8Strings.CString(Utf8Strings.Take(tail[start..], sizes[index]));
    }

    private static ReadOnlySpan<byte> Source(in EventRecord r) => String(r, 0);
    private static ReadOnlySpan<byte> Target(in EventRecord r) => String(r, 1);
    private static ReadOnlySpan<byte> Fs(in EventRecord r) => String(r, 2);
    private static ReadOnlySpan<byte> Data(in EventRecord r) => String(r, 3);

    /// <summary>mount("tmpfs", "/mnt", "tmpfs", MS_NOSUID, "size=1m") = 0, as the reference
    /// shows it, written piece by piece into the column's cell. Only in columns: JSON has each
    /// part as a field of its own.</summary>
    private static void WriteCall(in EventRecord r, IFieldSink sink)
    {
        ref readonly var e = ref r.As<MountEvent>();
        var operation = Operation(r);
        if (operation == MountOperation.Umount)
        {
            sink.Utf8("umount(\""u8);
            sink.Utf8(Target(r));
            sink.Utf8("\", "u8);
        }
        else
        {
            sink.Utf8("mount(\""u8);
            sink.Utf8(Source(r));
            sink.Utf8("\", \""u8);
            sink.Utf8(Target(r));
            sink.Utf8("\", \""u8);
            sink.Utf8(Fs(r));
            sink.Utf8("\", "u8);
        }
        if (e.Flags == 0)
        {
            sink.Utf8("0"u8);
        }
        else
        {
            sink.BeginList();
            MountFlags.WriteItems(operation, e.Flags, sink);
            sink.EndList();
        }
        if (operation == MountOperation.Mount)
        {
            sink.Utf8(", \""u8);
            sink.Utf8(Data(r));
            sink.Utf8("\""u8);
        }
        sink.Utf8(") = "u8);
        sink.Int(e.Ret);
    }
}
