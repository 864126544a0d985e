using System.Runtime.CompilerServices;
using System.Text;
using Gadget.Native;

namespace Gadget.Gadgets.Trace.Fsslower;

/// <summary>trace fsslower: reads, writes, opens and fsyncs of regular files on one file system
/// type that are slower than --min milliseconds.</summary>
/// <remarks>
/// The reference times the file system's own functions with kprobes (ext4_file_read_iter,
/// ext4_file_open, ext4_sync_file, ...). Without kprobes or fentry this gadget times the
/// system calls instead (tracepoints at entry and exit of read, readv, pread64, preadv,
/// preadv2, their write twins, open, creat, openat, openat2, fsync, fdatasync), and keeps
/// regular files of the chosen file system type, as the file system's file operations would
/// see them. What differs:
/// <list type="bullet">
/// <item>Latency is the whole system call's: for opens it includes the path lookup,
/// permission checks and creating the file, not just the file system's open method; for
/// reads and writes it includes copying to and from user memory and waiting for the file's
/// position lock.</item>
/// <item>I/O that does not go through these system calls is not seen: io_uring, AIO,
/// sendfile/splice/copy_file_range, page faults on mapped files, msync, and reads the kernel
/// makes for itself (exec, module loading).</item>
/// <item>The file system is the one of the file the descriptor refers to. A file on an
/// overlay mount also counts as the file system of the overlay's upper layer (its first lower
/// layer when read-only), so that --filesystem ext4 sees a container's I/O as the
/// reference's ext4 kprobes do; --filesystem overlay selects overlay files themselves.</item>
/// <item>Failed opens are not reported (there is no file to attribute them to); failed reads
/// and writes are, with 0 bytes (the reference shows the negative return value as a size).</item>
/// </list>
/// Like the reference: LAT is in microseconds, FILE is the dentry name (not the path), OFFSET
/// is the file position at entry (the given offset for the p- variants), and an fsync reports
/// offset 0 and the length of the range it syncs, the whole file (LLONG_MAX bytes).
/// </remarks>
public sealed class FsslowerGadget : TraceGadget
{
    /// <summary>Room for a type name in the kernel's comparison (struct fs_name, NUL included).</summary>
    public const int MaxFileSystemNameBytes = 31;

    /// <summary>Programs that read a struct file come twice: "x" reads it through a BTF pointer
    /// (bpf_rdonly_cast, kernel 6.2+), "x_c" with a probe read per field, for older kernels.</summary>
    public const string CompatSuffix = "_c";

    private static readonly byte[][] OpLetters = ["R"u8.ToArray(), "W"u8.ToArray(), "O"u8.ToArray(), "F"u8.ToArray()];

    private readonly bool? _castFields;

    public FsslowerGadget()
    {
    }

    /// <summary>Chooses the program variants instead of probing the kernel (tests load both).</summary>
    internal FsslowerGadget(bool castFields) => _castFields = castFields;

    public override string Category => "trace";
    public override string Name => "fsslower";
    public override string Description => "Trace open, read, write and fsync operations slower than a threshold";
    protected internal override string BpfObjectName => "fsslower.bpf.o";
    public override int MinimumRecordSize => Unsafe.SizeOf<FsslowerEvent>();

    protected override IReadOnlyList<GadgetParameter> OwnParameters { get; } =
    [
        new("min", "Min latency to trace, in ms (default 10)", ParameterKind.UInt, Alias: 'm', DefaultValue: "10"),
        new("filesystem", "Filesystem to trace: a type the kernel lists in /proc/filesystems, e.g. btrfs, ext4, nfs, xfs, tmpfs, overlay (default ext4)",
            ParameterKind.String, Alias: 'f', DefaultValue: "ext4"),
    ];

    protected override IReadOnlyList<EventField> Fields { get; } =
    [
        ProcessFields.Pid(),
        ProcessFields.Comm(),
        new CustomField("t", static (in EventRecord r, IFieldSink s) => s.Utf8(OpLetter((FsslowerOp)r.As<FsslowerEvent>().Op)))
        { JsonPath = "op", Width = 1, Description = "Operation: R(ead), W(rite), O(pen) or F(sync)" },
        new UIntField("bytes", static (in EventRecord r) => r.As<FsslowerEvent>().Bytes)
        { Width = 10, Description = "Bytes read or written; for fsync, the length of the synced range" },
        new IntField("offset", static (in EventRecord r) => r.As<FsslowerEvent>().Offset)
        { Width = 10, Description = "File offset of the read or write" },
        new UIntField("lat", static (in EventRecord r) => r.As<FsslowerEvent>().LatencyNs / 1000)
        { JsonPath = "latency", Width = 10, Description = "Latency in microseconds" },
        new StringField("file", static (in EventRecord r) => Utf8Strings.CString(r.As<FsslowerEvent>().File))
        { Width = 24, Description = "File name (the last component of its path)" },
    ];

    public override IReadOnlyList<string> DefaultColumns(ParameterValues parameters) =>
        ["pid", "comm", "t", "bytes", "offset", "lat", "file"];

    /// <summary>"R", "W", "O" or "F", as the reference names the operations.</summary>
    public static ReadOnlySpan<byte> OpLetter(FsslowerOp op) =>
        (uint)op < (uint)OpLetters.Length ? OpLetters[(int)op] : "?"u8;

    /// <summary>The --filesystem value, checked against the types this kernel knows.</summary>
    public static string ValidateFileSystem(string? name, IReadOnlyCollection<string> known)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new GadgetException("--filesystem needs a file system type, e.g. ext4");
        if (Encoding.UTF8.GetByteCount(name) > MaxFileSystemNameBytes)
            throw new GadgetException($"invalid value \"{name}\" for --filesystem: longer than {MaxFileSystemNameBytes} bytes");
        if (known.Count > 0 && !known.Contains(name))
            throw new GadgetException($"invalid value \"{name}\" for --filesystem: not a file system type of this kernel (from {FileSystemTypes.ProcPath}: {string.Join(", ", known)})");
        return name;
    }

    public override void Validate(ParameterValues parameters) =>
        ValidateFileSystem(parameters.GetString("filesystem"), FileSystemTypes.Current());

    public override void Configure(BpfObject bpf, ParameterValues parameters)
    {
        var fileSystem = ValidateFileSystem(parameters.GetString("filesystem"), FileSystemTypes.Current());
        var target = new FileSystemName();
        Encoding.UTF8.GetBytes(fileSystem, target);
        bpf.SetConstant("target_fs", target);
        bpf.SetConstant("match_overlay_backing", fileSystem != "overlay");
        bpf.SetConstant("min_lat_ns", parameters.GetUInt("min") * 1_000_000UL);

        if (!KernelFeatures.HasTracepoint("syscalls", "sys_enter_read"))
            throw new GadgetException("trace fsslower needs the kernel's syscall tracepoints (CONFIG_FTRACE_SYSCALLS), which this kernel lacks");
        var cast = _castFields ?? KernelFeatures.HasKernelFunction("bpf_rdonly_cast");
        foreach (var program in bpf.Programs)
            program.Autoload = Wanted(program, bpf, cast);
    }

    /// <summary>Whether to load a program: one variant of each (see <see cref="CompatSuffix"/>),
    /// and none for a syscall this architecture lacks (arm64 has no open or creat).</summary>
    private static bool Wanted(BpfProgram program, BpfObject bpf, bool cast)
    {
        var isCompat = program.Name.EndsWith(CompatSuffix, StringComparison.Ordinal);
        var hasCompatTwin = !isCompat && bpf.Programs.Any(p => p.Name == program.Name + CompatSuffix);
        if ((isCompat && cast) || (hasCompatTwin && !cast))
            return false;
        var tracepoint = program.SectionName[(program.SectionName.LastIndexOf('/') + 1)..];
        var syscall = tracepoint[(tracepoint.IndexOf('_', "sys_".Length) + 1)..];
        return KernelFeatures.HasTracepoint("syscalls", "sys_enter_" + syscall) && KernelFeatures.HasTracepoint("syscalls", "sys_exit_" + syscall);
    }

    /// <summary>Exits before entries: an entry recorded while its exit was not attached yet
    /// would stay pending, and the thread's next exit of that syscall would take it (with a
    /// wrong latency) even when that call itself was not traced.</summary>
    public override IEnumerable<BpfLink> Attach(BpfObject bpf, ParameterValues parameters)
    {
        var programs = bpf.Programs.Where(p => p.Autoload).ToList();
        foreach (var program in programs.Where(p => p.SectionName.Contains("/sys_exit_", StringComparison.Ordinal)))
            yield return program.Attach();
        foreach (var program in programs.Where(p => !p.SectionName.Contains("/sys_exit_", StringComparison.Ordinal)))
            yield return program.Attach();
    }

    /// <summary>Mirror of struct fs_name: a type name, NUL-padded to 32 bytes.</summary>
    [InlineArray(32)]
    private struct FileSystemName
    {
        private byte _first;
    }
}
