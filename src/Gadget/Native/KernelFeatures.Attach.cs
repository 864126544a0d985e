namespace Gadget.Native;

/// <summary>Kinds of hook a gadget may choose between, as <see cref="KernelFeatures.CanAttach"/>
/// tries them (not the kernel's enum bpf_attach_type: some of these have no value there).</summary>
public enum BpfAttachKind
{
    /// <summary>A classic tracepoint, attached through its perf event.</summary>
    Tracepoint,

    /// <summary>A raw tracepoint (raw_tp).</summary>
    RawTracepoint,

    /// <summary>A BTF-typed raw tracepoint (tp_btf).</summary>
    BtfTracepoint,

    /// <summary>A trampoline at the entry of a kernel function (fentry).</summary>
    Fentry,

    /// <summary>A trampoline at the return of a kernel function (fexit).</summary>
    Fexit,
}

public static partial class KernelFeatures
{
    private const string AttachProbeObject = "bpf/attach_probe.bpf.o";

    /// <summary>A minimal program of that kind loads and attaches here. Found out by doing it
    /// (then detaching at once), because the other probes cannot tell: a locked-down kernel
    /// lists fentry's program type and functions in its BTF, yet refuses to load it.
    /// Any refusal is false, never an exception.</summary>
    public static bool CanAttach(BpfAttachKind kind) =>
        Cached($"attach:{kind}", () => TryAttach(kind));

    private static bool TryAttach(BpfAttachKind kind)
    {
        var programName = kind switch
        {
            BpfAttachKind.Tracepoint => "probe_tp",
            BpfAttachKind.RawTracepoint => "probe_raw_tp",
            BpfAttachKind.BtfTracepoint => "probe_tp_btf",
            BpfAttachKind.Fentry => "probe_fentry",
            BpfAttachKind.Fexit => "probe_fexit",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        // libbpf finds a tracepoint's id in tracefs, which may need mounting first.
        if (kind == BpfAttachKind.Tracepoint && !Tracefs.TryGetRoot(out _))
            return false;

        // A refusal is the answer, not a problem to report: keep libbpf's complaints about
        // it out of the --verbose log and out of the next exception's warnings.
        using var quiet = LibbpfLog.Quiet();
        using var bpf = BpfObject.Open(ReadAttachProbeObject(), "ig_probe");
        foreach (var program in bpf.Programs)
            program.Autoload = program.Name == programName;
        bpf.Load();
        using var link = bpf.Program(programName).Attach();
        return true;
    }

    private static byte[] ReadAttachProbeObject()
    {
        using var stream = typeof(KernelFeatures).Assembly.GetManifestResourceStream(AttachProbeObject)
            ?? throw new InvalidOperationException($"BPF object {AttachProbeObject} is not embedded");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
