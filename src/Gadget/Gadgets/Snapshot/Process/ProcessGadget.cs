namespace Gadget.Gadgets.Snapshot.Process;

/// <summary>snapshot process: the processes running now (threads too with --threads), each
/// attributed to its container by mount namespace.</summary>
/// <remarks>
/// Names, JSON fields and the default sort are the reference's. Two choices of ours: PPID is
/// shown by default (the reference hides it), and it is the parent's process id, as /proc and
/// ps show it (the reference takes the parent task's own id, which differs when a thread that
/// is not the main one started the process).
/// </remarks>
public sealed class ProcessGadget : SnapshotGadget
{
    public const string Threads = "threads";

    public override string Category => "snapshot";
    public override string Name => "process";
    public override string Description => "Gather information about running processes";

    protected override IReadOnlyList<GadgetParameter> OwnParameters { get; } =
    [
        new(Threads, "Show all threads (by default, only processes are shown)", ParameterKind.Bool, Alias: 't', DefaultValue: "false"),
    ];

    public override IReadOnlyList<string> DefaultSort { get; } =
        ["k8s.node", "k8s.namespace", "k8s.podName", "k8s.containerName", "comm", "pid", "tid", "ppid"];

    protected override IReadOnlyList<EventField> Fields { get; } =
    [
        ProcessFields.Comm(),
        ProcessFields.Pid(),
        new UIntField("tid", static (in EventRecord r) => r.Header.Tid) { OmitEmpty = false, Description = "Thread id (the process id for a process's main thread)" },
        ProcessFields.Uid(),
        ProcessFields.Gid(),
        new UIntField("ppid", static (in EventRecord r) => r.Row<ProcessRow>().Ppid) { OmitEmpty = false, Description = "Process id of the parent" },
    ];

    public override IReadOnlyList<string> DefaultColumns(ParameterValues parameters) =>
        parameters.GetBool(Threads) ? ["comm", "pid", "tid", "uid", "gid", "ppid"] : ["comm", "pid", "uid", "gid", "ppid"];

    public override GadgetRun CreateRun(ParameterValues parameters) => new ProcessRun(parameters.GetBool(Threads));
}
