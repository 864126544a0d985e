using Gadget.Native;
using Gadget.Gadgets.Common;

namespace Gadget.Gadgets.Trace.Exec;

/// <summary>trace exec: every execve/execveat, successful or failed, with its arguments.</summary>
public sealed class ExecGadget : TraceGadget
{
    /// <summary>Argument bytes kept per exec (EXEC_ARGS_MAX in exec.bpf.c); past it the list ends with "...".</summary>
    public const int ArgsLimit = 8192;

    public override string Category => "trace";
    public override string Name => "exec";
    public override string Description => "Trace new processes";
    protected internal override string BpfObjectName => "exec.bpf.o";
    public override int MinimumRecordSize => System.Runtime.CompilerServices.Unsafe.SizeOf<ExecEvent>();

    public override bool NamesUsers => true;

    protected override IReadOnlyList<GadgetParameter> OwnParameters { get; } =
    [
        new("paths", "Show the current working directory and the executable path", ParameterKind.Bool, DefaultValue: "false"),
        new("ignore-errors", "Do not show failed exec calls", ParameterKind.Bool, DefaultValue: "false"),
    ];

    protected override IReadOnlyList<EventField> Fields { get; } =
    [
        ProcessFields.Pid(),
        ProcessFields.Tid(),
        new UIntField("ppid", static (in EventRecord r) => r.As<ExecEvent>().Ppid) { Description = "Parent process id" },
        ProcessFields.Comm("Command name after the exec"),
        new StringField("pcomm", static (in EventRecord r) => Utf8Strings.CString(r.As<ExecEvent>().Pcomm)) { Description = "Parent's command name" },
        new IntField("ret", static (in EventRecord r) => -r.As<ExecEvent>().Error) { Width = 4, Description = "0, or the negated errno of a failed exec" },
        new CustomField("error", static (in EventRecord r, IFieldSink s) => s.Text(Errno.Name(r.As<ExecEvent>().Error))) { Width = 8, Description = "Name of the errno of a failed exec" },
        new CustomField("args", WriteArgs) { Width = 40, Description = $"Arguments (first {ArgsLimit} bytes; \"...\" marks the cut)" },
        ProcessFields.Uid(),
        ProcessFields.Gid(),
        new StringField("user", static (in EventRecord r) => r.UserName) { Width = 10, Description = "User name of the uid, from the process's own /etc/passwd" },
        new UIntField("loginuid", static (in EventRecord r) => r.As<ExecEvent>().Loginuid) { Width = 8, OmitEmpty = false },
        new UIntField("sessionid", static (in EventRecord r) => r.As<ExecEvent>().Sessionid) { Width = 10, OmitEmpty = false },
        new StringField("cwd", static (in EventRecord r) => Cwd(r)) { Width = 30, Description = "Working directory (--paths)" },
        new StringField("exepath", static (in EventRecord r) => ExePath(r)) { Width = 30, Description = "Executable path (--paths)" },
    ];

    public override IReadOnlyList<string> DefaultColumns(ParameterValues parameters) =>
        parameters.GetBool("paths")
            ? ["pid", "ppid", "comm", "pcomm", "ret", "uid", "gid", "user", "cwd", "exepath", "args"]
            : ["pid", "ppid", "comm", "pcomm", "ret", "args"];

    public override void Configure(BpfObject bpf, ParameterValues parameters)
    {
        var ignoreErrors = parameters.GetBool("ignore-errors");
        bpf.SetConstant("ignore_errors", ignoreErrors);
        bpf.SetConstant("with_paths", parameters.GetBool("paths"));
        if (ignoreErrors)
        {
            // Failed execs are only seen at syscall exit: without them, no syscall hooks at all.
            foreach (var name in (string[])["trace_execve_enter", "trace_execveat_enter", "trace_execve_exit", "trace_execveat_exit"])
                bpf.Program(name).Autoload = false;
        }
    }

    private static void WriteArgs(in EventRecord r, IFieldSink sink)
    {
        ref readonly var e = ref r.As<ExecEvent>();
        var args = Utf8Strings.Take(r.Tail<ExecEvent>(), (int)e.ArgsSize);
        // The argument area ends with a NUL; a trailing empty item would be noise.
        if (!args.IsEmpty && args[^1] == 0)
            args = args[..^1];
        sink.BeginList();
        Utf8Strings.ForEach(args, sink);
        if (e.ArgsTruncated != 0)
            sink.ListItem("..."u8);
        sink.EndList();
    }

    private static ReadOnlySpan<byte> Cwd(in EventRecord r)
    {
        ref readonly var e = ref r.As<ExecEvent>();
        var tail = r.Tail<ExecEvent>();
        var start = Math.Min((int)e.ArgsSize, tail.Length);
        return Utf8Strings.CString(Utf8Strings.Take(tail[start..], e.CwdSize));
    }

    private static ReadOnlySpan<byte> ExePath(in EventRecord r)
    {
        ref readonly var e = ref r.As<ExecEvent>();
        var tail = r.Tail<ExecEvent>();
        var start = Math.Min((int)e.ArgsSize + e.CwdSize, tail.Length);
        return Utf8Strings.CString(Utf8Strings.Take(tail[start..], e.ExepathSize));
    }
}
