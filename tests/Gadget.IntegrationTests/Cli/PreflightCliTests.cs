using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Cli;

/// <summary>A machine without libbpf or without kernel BTF, made for real in a private mount
/// namespace (the library or the BTF directory covered), as the published binary meets it.</summary>
public sealed class PreflightCliTests
{
    /// <summary>Runs ig in a new mount namespace after <paramref name="setup"/> (shell commands).</summary>
    private static (int ExitCode, string Output, string Error) RunIgWithout(string setup, params string[] args)
    {
        var script = $"set -e; {setup}; exec \"$0\" \"$@\"";
        return Shell.TryRun("unshare", null, TimeSpan.FromSeconds(30),
            ["--mount", "--propagation", "private", "sh", "-c", script, Paths.IgBinary, .. args]);
    }

    [Theory]
    [InlineData("trace", "exec", "--host")]
    [InlineData("trace", "exec", "--host", "--verbose")]
    [InlineData("trace", "open", "--verbose", "-o", "json")]
    public void Without_libbpf_it_says_so_in_one_line(params string[] args)
    {
        Requires.Root();
        // dlopen finds an empty file where libbpf.so.1 was.
        var result = RunIgWithout("mount --bind /dev/null \"$(readlink -f /usr/lib/x86_64-linux-gnu/libbpf.so.1)\"", args);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Error: libbpf.so.1 is not installed (apt-get install libbpf1)", result.Error.TrimEnd('\n'));
        Assert.Empty(result.Output);
    }

    [Theory]
    [InlineData("trace", "exec", "--host")]
    [InlineData("trace", "exec", "--host", "--verbose")]
    public void Without_kernel_btf_it_says_so_in_one_line(params string[] args)
    {
        Requires.Root();
        var result = RunIgWithout("mount -t tmpfs igt-no-btf /sys/kernel/btf", args);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Error: this kernel has no BTF (/sys/kernel/btf/vmlinux is missing); ig needs a kernel built with CONFIG_DEBUG_INFO_BTF=y", result.Error.TrimEnd('\n'));
        Assert.Empty(result.Output);
    }
}
