using Gadget.Native;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Cli;

/// <summary>What `--verbose` adds, on standard error of the published binary.</summary>
public sealed class VerboseTests
{
    [Fact]
    public void Verbose_prints_the_kernel_features_on_stderr()
    {
        Requires.Root();
        using var ig = IgProcess.Start("trace", "exec", "--host", "--verbose", "--timeout", "1");

        Assert.Equal(0, ig.WaitForExit(TimeSpan.FromSeconds(20)));
        var errors = ig.ErrorText.Split('\n');
        // Every probe's line, as this process finds them too, and the ones KERNEL.md verified.
        foreach (var feature in KernelFeatures.Describe())
            Assert.Contains("ig: kernel: " + feature, errors);
        Assert.Contains("ig: kernel: kernel BTF: True", errors);
        Assert.Contains("ig: kernel: attach Tracepoint: True", errors);
        Assert.Contains("ig: kernel: attach Fentry: False", errors);
        // A refused probe is an answer, not an error: libbpf's complaint about it stays out.
        Assert.DoesNotContain(errors, l => l.Contains("probe_fentry", StringComparison.Ordinal));
        Assert.DoesNotContain(ig.Lines, l => l.Contains("ig: kernel:", StringComparison.Ordinal));
        KernelObjects.AssertNoneLoaded();
    }
}
