using System.Globalization;
using Gadget.Native;
using Gadget.Gadgets.Common;

namespace Gadget.Gadgets.Trace.Capabilities;

/// <summary>trace capabilities: every capability check, the system call behind it and its verdict.</summary>
public sealed class CapabilitiesGadget : TraceGadget
{
    public override string Category => "trace";
    public override string Name => "capabilities";
    public override string Description => "Trace security capability checks";
    protected internal override string BpfObjectName => "capabilities.bpf.o";
    public override int MinimumRecordSize => System.Runtime.CompilerServices.Unsafe.SizeOf<CapabilitiesEvent>();

    protected override IReadOnlyList<GadgetParameter> OwnParameters { get; } =
    [
        new("audit-only", "Only show audit checks (default true)", ParameterKind.Bool, DefaultValue: "true"),
        new("unique", "Only show a capability once on the same container", ParameterKind.Bool, DefaultValue: "false"),
    ];

    protected override IReadOnlyList<EventField> Fields { get; } =
    [
        ProcessFields.Pid(),
        ProcessFields.Comm(),
        new CustomField("syscall", WriteSyscall) { Width = 18, Description = "System call that led to the check" },
        ProcessFields.Uid(),
        ProcessFields.Gid(),
        new IntField("cap", static (in EventRecord r) => r.As<CapabilitiesEvent>().Cap) { Width = 3, Description = "Capability number" },
        new StringField("capName", static (in EventRecord r) => CapabilityNames.Name(r.As<CapabilitiesEvent>().Cap)) { Width = 18, Description = "Capability name" },
        new IntField("audit", static (in EventRecord r) => r.As<CapabilitiesEvent>().Audit) { Width = 5, Description = "1 when the check is audited" },
        new StringField("verdict", static (in EventRecord r) => r.As<CapabilitiesEvent>().Ret == 0 ? "Allow"u8 : "Deny"u8) { Width = 7 },
        new CustomField("insetid", WriteInsetid) { Width = 7, OmitEmpty = false, Description = "The check was for setuid/setgid (N/A when unknown)" },
        new UIntField("targetuserns", static (in EventRecord r) => r.As<CapabilitiesEvent>().TargetUserns) { Width = 12, Description = "User namespace of the resource" },
        new UIntField("currentuserns", static (in EventRecord r) => r.As<CapabilitiesEvent>().CurrentUserns) { Width = 12, Description = "User namespace of the checked credentials" },
        new CustomField("caps", WriteCaps) { Width = 16, Description = "Effective capabilities (hex in columns)" },
        new CustomField("capsNames", static (in EventRecord r, IFieldSink s) => CapabilityNames.WriteSet(r.As<CapabilitiesEvent>().Caps, s))
        { Width = 30, ListSeparator = ",", Description = "Effective capabilities by name" },
    ];

    public override IReadOnlyList<string> DefaultColumns(ParameterValues parameters) =>
        ["pid", "comm", "syscall", "cap", "capName", "audit", "verdict"];

    public override void Configure(BpfObject bpf, ParameterValues parameters)
    {
        // capability:cap_capable came with Linux 6.14; before it, kprobes on cap_capable.
        var tracepoint = KernelFeatures.HasRawTracepoint("cap_capable");
        if (!tracepoint && !KernelFeatures.HasKprobes)
            throw new GadgetException("trace capabilities needs the capability:cap_capable tracepoint of Linux 6.14 or later, or kprobes; this kernel has neither");
        bpf.Program("trace_cap_capable").Autoload = tracepoint;
        bpf.Program("trace_cap_capable_entry").Autoload = !tracepoint;
        bpf.Program("trace_cap_capable_exit").Autoload = !tracepoint;

        var programType = tracepoint ? BpfProgramType.RawTracepoint : BpfProgramType.Kprobe;
        bpf.SetConstant("with_syscall", KernelFeatures.HasHelper(programType, BpfHelper.TaskPtRegs)
            && KernelFeatures.HasHelper(programType, BpfHelper.GetCurrentTaskBtf));
        bpf.SetConstant("audit_only", parameters.GetBool("audit-only"));
        bpf.SetConstant("unique", parameters.GetBool("unique"));
        bpf.SetConstant("self_pid", (uint)Environment.ProcessId);
        // The kprobe sees the options itself; the tracepoint needs the stack walk's table.
        bpf.SetConstant("caller_count", tracepoint ? (uint)CapabilityCallers.ForRunningKernel().Count : 0u);
    }

    public override void Populate(BpfObject bpf, ParameterValues parameters)
    {
        var map = bpf.Map("cap_callers");
        var callers = CapabilityCallers.ForRunningKernel();
        for (var i = 0u; i < callers.Count; i++)
            map.Update(i, callers[(int)i]);
    }

    private static void WriteSyscall(in EventRecord r, IFieldSink sink)
    {
        var number = r.As<CapabilitiesEvent>().Syscall;
        if (number < 0)
            return;
        var name = SyscallNames.Name(number);
        if (!name.IsEmpty)
        {
            sink.Utf8(name);
            return;
        }
        // A number this table does not know (newer than it): name it by number, like the reference.
        Span<byte> text = stackalloc byte[24];
        "syscall"u8.CopyTo(text);
        number.TryFormat(text[7..], out var written, default, CultureInfo.InvariantCulture);
        sink.Utf8(text[..(7 + written)]);
    }

    private static void WriteInsetid(in EventRecord r, IFieldSink sink)
    {
        var insetid = r.As<CapabilitiesEvent>().Insetid;
        if (insetid >= 0)
            sink.Bool(insetid != 0);
        else if (sink is IColumnSink)
            sink.Utf8("N/A"u8);
    }

    private static void WriteCaps(in EventRecord r, IFieldSink sink)
    {
        var caps = r.As<CapabilitiesEvent>().Caps;
        if (sink is not IColumnSink)
        {
            sink.UInt(caps);
            return;
        }
        Span<byte> hex = stackalloc byte[16];
        caps.TryFormat(hex, out var written, "x", CultureInfo.InvariantCulture);
        sink.Utf8(hex[..written]);
    }
}
