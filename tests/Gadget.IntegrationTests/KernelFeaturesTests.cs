using System.Text.Json;
using Gadget.Native;
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

    [Fact]
    public void Attach_probes_agree_with_what_was_verified_by_hand()
    {
        Requires.Root();

        // KERNEL.md: tracepoints, raw_tp and tp_btf work here.
        Assert.True(KernelFeatures.CanAttach(BpfAttachKind.Tracepoint));
        Assert.True(KernelFeatures.CanAttach(BpfAttachKind.RawTracepoint));
        Assert.True(KernelFeatures.CanAttach(BpfAttachKind.BtfTracepoint));
        // KERNEL.md: fentry and fexit are refused (lockdown), although the probe's target
        // function is there: the refusal is the kernel's, not a missing target.
        Assert.True(KernelFeatures.HasKernelFunction("bpf_fentry_test1"));
        Assert.False(KernelFeatures.CanAttach(BpfAttachKind.Fentry));
        Assert.False(KernelFeatures.CanAttach(BpfAttachKind.Fexit));
    }

    [Fact]
    public void Attach_probes_leave_nothing_loaded()
    {
        Requires.Root();
        foreach (var kind in Enum.GetValues<BpfAttachKind>())
            _ = KernelFeatures.CanAttach(kind);

        // Loaded programs named like the probes' that this process still holds, seen by bpftool.
        var held = KernelObjects.HeldBy(Environment.ProcessId);
        using var programs = JsonDocument.Parse(Shell.Run("bpftool", "-j", "prog", "show"));
        var leftovers = programs.RootElement.EnumerateArray()
            .Where(p => p.TryGetProperty("name", out var name) && name.GetString()!.StartsWith("probe_", StringComparison.Ordinal))
            .Select(p => p.GetProperty("id").GetInt32())
            .Where(held.Contains)
            .ToList();
        Assert.Empty(leftovers);
    }
}
