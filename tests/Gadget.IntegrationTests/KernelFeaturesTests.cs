using Gadget.Bpf;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests;

public class KernelFeaturesTests
{
    [Fact]
    public void Probes_report_what_this_kernel_has()
    {
        Requires.Root();

        Assert.True(KernelFeatures.HasKernelBtf);
        Assert.True(KernelFeatures.HasMapType(BpfMapType.RingBuffer));
        Assert.True(KernelFeatures.HasProgramType(BpfProgramType.Tracepoint));
        Assert.True(KernelFeatures.HasTracepoint("syscalls", "sys_exit_openat"));
        Assert.False(KernelFeatures.HasTracepoint("syscalls", "sys_exit_no_such_call"));
        Assert.True(KernelFeatures.HasRawTracepoint("sched_process_exec"));
        Assert.True(KernelFeatures.HasHelper(BpfProgramType.Tracepoint, BpfHelper.TaskPtRegs));
        // kprobes are absent on some kernels (this one): the probe must agree with tracefs.
        Assert.Equal(File.Exists(Path.Combine(Tracefs.EnsureMounted(), "kprobe_events")), KernelFeatures.HasKprobes);
    }
}
