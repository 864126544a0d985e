using System.Text;
using Gadget.Native;
using Gadget.Gadgets.Common;

namespace Gadget.Gadgets.Trace.Open;

/// <summary>trace open: every open, openat and openat2, with its result.</summary>
public sealed class OpenGadget : TraceGadget
{
    /// <summary>OPEN_MAX_PREFIXES in open.bpf.c, and one less than OPEN_PREFIX_MAX.</summary>
    public const int MaxPrefixes = 16;
    public const int MaxPrefixLength = 255;

    public override string Category => "trace";
    public override string Name => "open";
    public override string Description => "Trace open system calls";
    protected internal override string BpfObjectName => "open.bpf.o";
    public override int MinimumRecordSize => System.Runtime.CompilerServices.Unsafe.SizeOf<OpenEvent>();

    protected override IReadOnlyList<GadgetParameter> OwnParameters { get; } =
    [
        new("failed", "Show only failed opens", ParameterKind.Bool, DefaultValue: "false"),
        new("prefixes", $"Show only paths that start with one of these prefixes (comma-separated, at most {MaxPrefixes}; matched in the kernel, against the full path with --full-path)", ParameterKind.StringList),
        new("full-path", "Show the absolute full path of the opened file", ParameterKind.Bool, DefaultValue: "false"),
    ];

    protected override IReadOnlyList<EventField> Fields { get; } =
    [
        ProcessFields.Pid(),
        ProcessFields.Tid(),
        ProcessFields.Uid(omitEmpty: true),
        ProcessFields.Gid(),
        ProcessFields.Comm(),
        new CustomField("fd", static (in EventRecord r, IFieldSink s) =>
        {
            // A failed open has no descriptor: blank column, no JSON property.
            var fd = r.As<OpenEvent>().Fd;
            if (fd >= 0)
                s.Int(fd);
        })
        { Width = 3, Alignment = FieldAlignment.Right, OmitEmpty = false, Description = "The new file descriptor" },
        new IntField("ret", static (in EventRecord r) => Ret(r.As<OpenEvent>()))
        { Visibility = FieldVisibility.JsonOnly, OmitEmpty = false, Description = "What the system call returned: the new descriptor, or the negated errno" },
        new CustomField("err", static (in EventRecord r, IFieldSink s) => WriteErr(r, s)) { Width = 7, Description = "errno of a failed open (its name in columns)" },
        new CustomField("error", static (in EventRecord r, IFieldSink s) => s.Text(Errno.Name(r.As<OpenEvent>().Error))) { Width = 8, Description = "Name of the errno" },
        new CustomField("flags", static (in EventRecord r, IFieldSink s) => OpenFlags.Write(r.As<OpenEvent>().Flags, s)) { Width = 24, ListSeparator = "|" },
        new UIntField("flagsRaw", static (in EventRecord r) => r.As<OpenEvent>().Flags) { Visibility = FieldVisibility.JsonOnly },
        new CustomField("mode", WriteMode) { Width = 10 },
        new UIntField("modeRaw", static (in EventRecord r) => OpenFlags.UsesMode(r.As<OpenEvent>().Flags) ? r.As<OpenEvent>().Mode : 0) { Visibility = FieldVisibility.JsonOnly },
        new StringField("path", static (in EventRecord r) => Path(r)) { Width = 32 },
        new CustomField("fullPath", WriteFullPath) { Width = 32, Description = "Absolute path (--full-path)" },
    ];

    public override IReadOnlyList<string> DefaultColumns(ParameterValues parameters) =>
        parameters.GetBool("full-path")
            ? ["pid", "tid", "comm", "fd", "err", "path", "fullPath"]
            : ["pid", "tid", "comm", "fd", "err", "path"];

    public override void Validate(ParameterValues parameters) => Prefixes(parameters);

    public override void Configure(BpfObject bpf, ParameterValues parameters)
    {
        var prefixes = Prefixes(parameters);
        bpf.SetConstant("failed_only", parameters.GetBool("failed"));
        bpf.SetConstant("with_full_path", parameters.GetBool("full-path"));
        bpf.SetConstant("prefix_count", (uint)prefixes.Count);
    }

    /// <summary>The --prefixes values, checked against what the kernel-side filter holds.</summary>
    private static IReadOnlyList<string> Prefixes(ParameterValues parameters)
    {
        var prefixes = parameters.GetStringList("prefixes");
        if (prefixes.Count > MaxPrefixes)
            throw new GadgetException($"--prefixes takes at most {MaxPrefixes} prefixes, got {prefixes.Count}");
        foreach (var prefix in prefixes)
        {
            if (Encoding.UTF8.GetByteCount(prefix) > MaxPrefixLength)
                throw new GadgetException($"--prefixes: \"{prefix}\" is longer than {MaxPrefixLength} bytes");
        }
        return prefixes;
    }

    public override void Populate(BpfObject bpf, ParameterValues parameters)
    {
        var map = bpf.Map("prefixes");
        foreach (var prefix in parameters.GetStringList("prefixes"))
        {
            var key = new PrefixKey();
            var length = Encoding.UTF8.GetBytes(prefix, key.Data);
            key.PrefixLength = (uint)length * 8;
            map.Update(key, (byte)1);
        }
    }

    private static long Ret(in OpenEvent e) => e.Fd >= 0 ? e.Fd : -(long)e.Error;

    private static void WriteErr(in EventRecord r, IFieldSink sink)
    {
        var error = r.As<OpenEvent>().Error;
        if (sink is IColumnSink)
            sink.Text(error == 0 ? "0" : Errno.Name(error));
        else
            sink.Int(error);
    }

    private static void WriteMode(in EventRecord r, IFieldSink sink)
    {
        ref readonly var e = ref r.As<OpenEvent>();
        if (!OpenFlags.UsesMode(e.Flags))
            return;
        Span<byte> text = stackalloc byte[10];
        OpenFlags.WriteMode(e.Mode, text);
        sink.Utf8(text);
    }

    private static ReadOnlySpan<byte> Path(in EventRecord r) =>
        Utf8Strings.CString(Utf8Strings.Take(r.Tail<OpenEvent>(), r.As<OpenEvent>().PathSize));

    /// <summary>The kernel's path of an opened file is canonical already. A failed open's is
    /// the directory it was relative to joined to the path as given, "." and ".." included
    /// ("/etc/./nonexist"): the kernel could not resolve it, and neither can ig after the fact
    /// (the directories may be gone, or differ in the process's mount namespace). Resolved by
    /// their text, as realpath -m does, it reads as the path the program asked for; a ".."
    /// after a symbolic link is where that reading and the kernel's could differ.</summary>
    private static void WriteFullPath(in EventRecord r, IFieldSink sink)
    {
        var fullPath = FullPath(r);
        if (r.As<OpenEvent>().Error == 0)
        {
            sink.Utf8(fullPath);
            return;
        }
        // The kernel's full paths are at most GADGET_PATH_MAX (4096) bytes: on the stack.
        var clean = fullPath.Length <= 4096 ? stackalloc byte[fullPath.Length] : new byte[fullPath.Length];
        sink.Utf8(clean[..LexicalPath.Clean(fullPath, clean)]);
    }

    private static ReadOnlySpan<byte> FullPath(in EventRecord r)
    {
        ref readonly var e = ref r.As<OpenEvent>();
        var tail = r.Tail<OpenEvent>();
        var start = Math.Min((int)e.PathSize, tail.Length);
        return Utf8Strings.CString(Utf8Strings.Take(tail[start..], e.FullPathSize));
    }
}
