namespace Gadget.Native;

/// <summary>BPF program types (values of enum bpf_prog_type) that gadgets ask about.</summary>
public enum BpfProgramType : uint
{
    SocketFilter = 1,
    Kprobe = 2,
    Tracepoint = 5,
    PerfEvent = 7,
    CgroupSkb = 8,
    RawTracepoint = 17,
    Tracing = 26,
    Lsm = 29,
}

/// <summary>BPF map types (values of enum bpf_map_type) that gadgets ask about.</summary>
public enum BpfMapType : uint
{
    Hash = 1,
    Array = 2,
    PerfEventArray = 4,
    PercpuArray = 6,
    StackTrace = 7,
    LruHash = 9,
    RingBuffer = 27,
}

/// <summary>BPF helpers (values of enum bpf_func_id) that decide between hooks.</summary>
public enum BpfHelper : uint
{
    GetCurrentTaskBtf = 158,
    TaskPtRegs = 175,
    Loop = 181,
}

/// <summary>What this kernel offers, probed once and cached: a gadget consults it to choose
/// its hook (e.g. a tracepoint when kprobes are absent) or to explain what is missing.</summary>
public static unsafe partial class KernelFeatures
{
    private static readonly Dictionary<string, bool> Cache = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    /// <summary>The kernel exposes its BTF, which CO-RE programs need.</summary>
    public static bool HasKernelBtf => File.Exists("/sys/kernel/btf/vmlinux");

    /// <summary>kprobes can be created (CONFIG_KPROBES and a kprobe_events file).</summary>
    public static bool HasKprobes => Cached("kprobes", () =>
        Tracefs.TryGetRoot(out var root) && File.Exists(Path.Combine(root, "kprobe_events")));

    public static bool HasProgramType(BpfProgramType type) =>
        Cached($"prog:{type}", () => Interop.Libbpf.libbpf_probe_bpf_prog_type((uint)type, null) == 1);

    public static bool HasMapType(BpfMapType type) =>
        Cached($"map:{type}", () => Interop.Libbpf.libbpf_probe_bpf_map_type((uint)type, null) == 1);

    public static bool HasHelper(BpfProgramType type, BpfHelper helper) =>
        Cached($"helper:{type}:{helper}", () => Interop.Libbpf.libbpf_probe_bpf_helper((uint)type, (uint)helper, null) == 1);

    /// <summary>The tracepoint exists (mounts tracefs when needed to find out).</summary>
    public static bool HasTracepoint(string category, string name) =>
        Cached($"tp:{category}:{name}", () =>
            Tracefs.TryGetRoot(out var root) && Directory.Exists(Path.Combine(root, "events", category, name)));

    /// <summary>A raw tracepoint of that name exists (its btf_trace_ typedef is in the kernel BTF).</summary>
    public static bool HasRawTracepoint(string name) =>
        Cached($"rawtp:{name}", () =>
        {
            using var btf = Btf.LoadKernel();
            return btf.HasTypedef("btf_trace_" + name);
        });

    /// <summary>The kernel implements this BPF helper at all (named as in bpf_func_id without its
    /// BPF_FUNC_ prefix), for program types that libbpf cannot probe, such as tracing and iterators.</summary>
    public static bool KnowsHelper(string name) =>
        Cached($"knows-helper:{name}", () =>
        {
            using var btf = Btf.LoadKernel();
            return btf.HasEnumerator("bpf_func_id", "BPF_FUNC_" + name);
        });

    /// <summary>The kernel's BTF has a function of that name, e.g. a kfunc such as bpf_rdonly_cast (6.2+).</summary>
    public static bool HasKernelFunction(string name) =>
        Cached($"func:{name}", () =>
        {
            using var btf = Btf.LoadKernel();
            return btf.HasFunction(name);
        });

    /// <summary>The raw tracepoint exists and takes <paramref name="arguments"/> arguments: tells
    /// apart versions of a tracepoint whose arguments changed (oom:mark_victim got the task in 6.8).</summary>
    public static bool HasRawTracepointArguments(string name, int arguments) =>
        Cached($"rawtp:{name}:{arguments}", () =>
        {
            using var btf = Btf.LoadKernel();
            // The typedef's function also takes the context pointer first.
            return btf.GetFunctionPointerParameterCount("btf_trace_" + name) == arguments + 1;
        });

    /// <summary>One line per probed feature, for `--verbose` and bug reports.</summary>
    public static IEnumerable<string> Describe()
    {
        yield return $"kernel BTF: {HasKernelBtf}";
        yield return $"ring buffer maps: {HasMapType(BpfMapType.RingBuffer)}";
        yield return $"kprobes: {HasKprobes}";
        yield return $"tracepoint programs: {HasProgramType(BpfProgramType.Tracepoint)}";
        yield return $"raw tracepoint programs: {HasProgramType(BpfProgramType.RawTracepoint)}";
        yield return $"perf event programs: {HasProgramType(BpfProgramType.PerfEvent)}";
        yield return $"bpf_task_pt_regs: {HasHelper(BpfProgramType.Tracepoint, BpfHelper.TaskPtRegs)}";
        foreach (var kind in Enum.GetValues<BpfAttachKind>())
            yield return $"attach {kind}: {CanAttach(kind)}";
    }

    private static bool Cached(string key, Func<bool> probe)
    {
        lock (Gate)
        {
            if (Cache.TryGetValue(key, out var known))
                return known;
            LibbpfLog.Install();
            bool value;
            try
            {
                value = probe();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or LibbpfException)
            {
                value = false;
            }
            Cache[key] = value;
            return value;
        }
    }
}
