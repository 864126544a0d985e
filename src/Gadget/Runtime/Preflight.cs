using Gadget.Bpf;
using Gadget.Gadgets;

namespace Gadget.Runtime;

/// <summary>Checks what every gadget needs before touching the kernel, so a missing piece is
/// reported as one clear line instead of a libbpf error.</summary>
public static class Preflight
{
    /// <summary>What container discovery needs: root (fanotify, other users' /proc).</summary>
    public static void CheckRoot()
    {
        if (!Privileges.IsRoot)
            throw new GadgetException("ig must run as root: it loads eBPF programs into the kernel");
    }

    public static void Check()
    {
        if (!Libbpf.IsAvailable)
            throw new GadgetException("libbpf.so.1 is not installed (apt-get install libbpf1)");
        if (!Privileges.IsRoot)
            throw new GadgetException("ig must run as root: it loads eBPF programs into the kernel");
        if (!KernelFeatures.HasKernelBtf)
            throw new GadgetException("this kernel has no BTF (/sys/kernel/btf/vmlinux is missing); ig needs a kernel built with CONFIG_DEBUG_INFO_BTF=y");
        if (!KernelFeatures.HasMapType(BpfMapType.RingBuffer))
            throw new GadgetException("this kernel has no BPF ring buffer (Linux 5.8 or later is needed)");
        try
        {
            Tracefs.EnsureMounted();
        }
        catch (LibbpfException e)
        {
            throw new GadgetException(e.Message, e);
        }
    }
}
