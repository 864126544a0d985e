using System.Globalization;
using Gadget.Native;

namespace Gadget.Gadgets.Trace.Oomkill;

/// <summary>trace oomkill: processes the OOM killer killed, and which process made it run.
/// Events belong to the killed process's container.</summary>
public sealed class OomkillGadget : TraceGadget
{
    public override string Category => "trace";
    public override string Name => "oomkill";
    public override string Description => "Trace when OOM killer is triggered and kills a process";
    protected internal override string BpfObjectName => "oomkill.bpf.o";
    public override int MinimumRecordSize => System.Runtime.CompilerServices.Unsafe.SizeOf<OomkillEvent>();

    protected override IReadOnlyList<EventField> Fields { get; } =
    [
        new UIntField("kpid", static (in EventRecord r) => r.As<OomkillEvent>().Kpid) { Description = "Process ID of the killed process" },
        new StringField("kcomm", static (in EventRecord r) => Utf8Strings.CString(r.As<OomkillEvent>().Kcomm)) { Description = "Command of the killed process" },
        new UIntField("pages", static (in EventRecord r) => r.As<OomkillEvent>().Pages) { Width = 8, Description = "Size of the memory that ran out (cgroup limit or machine), in pages" },
        new UIntField("tpid", static (in EventRecord r) => r.As<OomkillEvent>().Tpid) { Description = "Process ID that triggered the OOM killer" },
        new UIntField("tuid", static (in EventRecord r) => r.As<OomkillEvent>().Tuid) { Width = 8, OmitEmpty = false },
        new UIntField("tgid", static (in EventRecord r) => r.As<OomkillEvent>().Tgid) { Width = 8, OmitEmpty = false },
        new StringField("tcomm", static (in EventRecord r) => Utf8Strings.CString(r.As<OomkillEvent>().Tcomm)) { Description = "Command that triggered the OOM killer" },
    ];

    public override IReadOnlyList<string> DefaultColumns(ParameterValues parameters) => ["kpid", "kcomm", "pages", "tpid", "tcomm"];

    public override void Configure(BpfObject bpf, ParameterValues parameters)
    {
        // Since Linux 6.8 oom:mark_victim passes the victim itself; before, only its pid,
        // which says nothing of its container: there the kprobe on oom_kill_process serves.
        var tracepoint = KernelFeatures.HasRawTracepointArguments("mark_victim", 2);
        if (!tracepoint && !KernelFeatures.HasKprobes)
            throw new GadgetException("trace oomkill needs the oom:mark_victim tracepoint of Linux 6.8 or later, or kprobes; this kernel has neither");
        bpf.Program("trace_mark_victim").Autoload = tracepoint;
        bpf.Program("trace_oom_kill_process").Autoload = !tracepoint;
        bpf.SetConstant("machine_pages", MachinePages());
    }

    /// <summary>RAM and swap in pages: what a global OOM ran out of.</summary>
    private static ulong MachinePages()
    {
        ulong kilobytes = 0;
        foreach (var line in File.ReadLines("/proc/meminfo"))
        {
            if (!line.StartsWith("MemTotal:", StringComparison.Ordinal) && !line.StartsWith("SwapTotal:", StringComparison.Ordinal))
                continue;
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 2 && ulong.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                kilobytes += value;
        }
        return kilobytes * 1024 / (ulong)Environment.SystemPageSize;
    }
}
