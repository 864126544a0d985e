using Gadget.Native;
using Gadget.Gadgets;
using Gadget.Gadgets.Trace.Capabilities;
using Gadget.Gadgets.Trace.Oomkill;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Trace;

/// <summary>trace oomkill and trace capabilities use tracepoints of recent kernels, and kprobes
/// on older ones. This kernel has no kprobes to attach, but it can load kprobe programs (uprobes
/// use the same type): the verifier of the running kernel checks the alternatives here.</summary>
public sealed class KprobeAlternativesTests
{
    [Theory]
    [InlineData("oomkill", new[] { "trace_oom_kill_process" }, new[] { "trace_mark_victim" })]
    [InlineData("capabilities", new[] { "trace_cap_capable_entry", "trace_cap_capable_exit" }, new[] { "trace_cap_capable" })]
    public void The_kprobe_programs_pass_the_verifier(string gadget, string[] kprobes, string[] tracepoints)
    {
        Requires.Root();
        Assert.True(KernelFeatures.HasProgramType(BpfProgramType.Kprobe), "this kernel cannot load kprobe programs");
        TraceGadget trace = gadget == "oomkill" ? new OomkillGadget() : new CapabilitiesGadget();
        using (var bpf = trace.OpenObject())
        {
            foreach (var name in kprobes)
                bpf.Program(name).Autoload = true;
            foreach (var name in tracepoints)
                bpf.Program(name).Autoload = false;

            bpf.Load();

            Assert.All(kprobes, name => Assert.True(bpf.Program(name).Fd > 0));
        }
        KernelObjects.AssertNoneLoaded();
    }
}
