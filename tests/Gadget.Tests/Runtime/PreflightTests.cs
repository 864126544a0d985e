using Gadget.Gadgets;
using Gadget.Runtime;

namespace Gadget.Tests.Runtime;

/// <summary>Preflight's failures, on systems this machine is not (no libbpf, no BTF): each is one
/// line and a non-zero exit code, found before anything reaches libbpf.</summary>
public class PreflightTests
{
    private static readonly SystemProbes Healthy = new(
        HasLibbpf: () => true,
        IsRoot: () => true,
        HasKernelBtf: () => true,
        HasRingBuffer: () => true,
        MountTracefs: () => { });

    private static GadgetException Fails(SystemProbes probes) =>
        Assert.Throws<GadgetException>(() => Preflight.Check(probes));

    [Fact]
    public void A_healthy_system_passes()
    {
        var mounted = false;
        Preflight.Check(Healthy with { MountTracefs = () => mounted = true });

        Assert.True(mounted);
    }

    [Fact]
    public void A_tracefs_that_cannot_be_mounted_is_one_line_naming_the_call_and_errno()
    {
        var error = Fails(Healthy with
        {
            MountTracefs = () => throw new Gadget.Native.SyscallException("tracefs is not mounted and mounting it on /sys/kernel/tracing failed", 1),
        });

        Assert.Equal("tracefs is not mounted and mounting it on /sys/kernel/tracing failed: Operation not permitted", error.Message);
    }

    [Fact]
    public void Missing_libbpf_is_one_line_and_asks_nothing_of_libbpf()
    {
        var askedLibbpf = false;
        var error = Fails(Healthy with
        {
            HasLibbpf = () => false,
            HasKernelBtf = () => askedLibbpf = true,
            HasRingBuffer = () => askedLibbpf = true,
        });

        Assert.Equal("libbpf.so.1 is not installed (apt-get install libbpf1)", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.NotEqual(0, error.ExitCode);
        Assert.False(askedLibbpf);
    }

    [Fact]
    public void Missing_kernel_btf_is_one_line()
    {
        var error = Fails(Healthy with { HasKernelBtf = () => false });

        Assert.Equal("this kernel has no BTF (/sys/kernel/btf/vmlinux is missing); ig needs a kernel built with CONFIG_DEBUG_INFO_BTF=y", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.NotEqual(0, error.ExitCode);
    }

    [Fact]
    public void Not_root_comes_before_kernel_questions()
    {
        var error = Fails(Healthy with { IsRoot = () => false, HasKernelBtf = () => false });

        Assert.Equal("ig must run as root: it loads eBPF programs into the kernel", error.Message);
        Assert.NotEqual(0, error.ExitCode);
    }

    [Fact]
    public void A_kernel_without_ring_buffer_is_one_line()
    {
        var error = Fails(Healthy with { HasRingBuffer = () => false });

        Assert.Equal("this kernel has no BPF ring buffer (Linux 5.8 or later is needed)", error.Message);
        Assert.NotEqual(0, error.ExitCode);
    }
}
