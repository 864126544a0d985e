using Gadget.Native;
using Gadget.Gadgets;

namespace Gadget.Runtime;

/// <summary>What <see cref="Preflight"/> asks of the system, one question each; tests answer
/// them to reach the failures this machine cannot produce (no BTF, no libbpf).</summary>
public sealed record SystemProbes(
    Func<bool> HasLibbpf,
    Func<bool> IsRoot,
    Func<bool> HasKernelBtf,
    Func<bool> HasRingBuffer,
    Action MountTracefs,
    Func<IReadOnlyList<string>>? MissingCapabilities = null)
{
    /// <summary>The real questions, asked of this machine.</summary>
    public static SystemProbes Real { get; } = new(
        () => Libbpf.IsAvailable,
        () => Privileges.IsRoot,
        () => KernelFeatures.HasKernelBtf,
        () => KernelFeatures.HasMapType(BpfMapType.RingBuffer),
        () => Tracefs.EnsureMounted(),
        Privileges.MissingCapabilities);
}

/// <summary>Checks what every gadget needs before touching the kernel, so a missing piece is
/// reported as one clear line instead of a libbpf error.</summary>
public static class Preflight
{
    /// <summary>Said whenever libbpf.so.1 cannot be loaded, whoever finds out.</summary>
    public const string LibbpfMissing = "libbpf.so.1 is not installed (apt-get install libbpf1)";

    private const string NotRoot = "ig must run as root: it loads eBPF programs into the kernel";

    /// <summary>What container discovery needs: root (BPF programs, other users' /proc).</summary>
    public static void CheckRoot()
    {
        if (!Privileges.IsRoot)
            throw new GadgetException(NotRoot);
    }

    public static void Check() => Check(SystemProbes.Real);

    /// <summary>The warning to give when the /proc ig reads is not the host's, or null.</summary>
    public static string? ProcWarning() => Privileges.ProcIsNotTheHosts()
        ? "WARNING: /proc is not the host's (ig runs in a PID namespace of its own): pids, process details and container discovery from /proc will be wrong or missing; run ig in the host's PID namespace (hostPID)"
        : null;

    /// <summary>Checks in the order that keeps each answer meaningful: libbpf first, since the
    /// later probes call into it.</summary>
    public static void Check(SystemProbes probes)
    {
        ArgumentNullException.ThrowIfNull(probes);
        if (!probes.HasLibbpf())
            throw new GadgetException(LibbpfMissing);
        if (!probes.IsRoot())
            throw new GadgetException(NotRoot);
        // Before any probe that needs them: without them, the kernel refuses every BPF call and
        // the probes would blame the kernel (no ring buffer) for what is a missing privilege.
        if (probes.MissingCapabilities?.Invoke() is { Count: > 0 } missing)
            throw new GadgetException($"ig lacks {string.Join(", ", missing)}: it needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN, to load eBPF programs");
        if (!probes.HasKernelBtf())
            throw new GadgetException("this kernel has no BTF (/sys/kernel/btf/vmlinux is missing); ig needs a kernel built with CONFIG_DEBUG_INFO_BTF=y");
        if (!probes.HasRingBuffer())
            throw new GadgetException("this kernel has no BPF ring buffer (Linux 5.8 or later is needed)");
        try
        {
            probes.MountTracefs();
        }
        catch (SyscallException e)
        {
            throw new GadgetException(e.Message, e);
        }
    }
}
