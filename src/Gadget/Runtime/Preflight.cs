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
    Action MountTracefs)
{
    /// <summary>The real questions, asked of this machine.</summary>
    public static SystemProbes Real { get; } = new(
        () => Libbpf.IsAvailable,
        () => Privileges.IsRoot,
        () => KernelFeatures.HasKernelBtf,
        () => KernelFeatures.HasMapType(BpfMapType.RingBuffer),
        () => Tracefs.EnsureMounted());
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

    /// <summary>Checks in the order that keeps each answer meaningful: libbpf first, since the
    /// later probes call into it.</summary>
    public static void Check(SystemProbes probes)
    {
        ArgumentNullException.ThrowIfNull(probes);
        if (!probes.HasLibbpf())
            throw new GadgetException(LibbpfMissing);
        if (!probes.IsRoot())
            throw new GadgetException(NotRoot);
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
