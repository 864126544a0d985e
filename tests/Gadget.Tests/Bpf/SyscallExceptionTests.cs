using Gadget.Native;

namespace Gadget.Tests.Bpf;

/// <summary>A failed plain system call is a <see cref="SyscallException"/> with the call's purpose,
/// the errno and its text, not a libbpf error.</summary>
public sealed class SyscallExceptionTests
{
    [Fact]
    public void A_cgroup_that_does_not_exist_names_the_path_and_the_errno()
    {
        var error = Assert.Throws<SyscallException>(() => CgroupV2.OpenDirectory("/nonexistent-igtest-cgroup"));

        Assert.Equal(2, error.Errno);
        Assert.Equal("opening cgroup /nonexistent-igtest-cgroup", error.Operation);
        Assert.Equal("opening cgroup /nonexistent-igtest-cgroup: No such file or directory", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_directory_is_refused_by_the_kernel_with_its_errno()
    {
        var error = Assert.Throws<SyscallException>(() => CgroupV2.OpenDirectory("/proc/self/status"));

        Assert.Equal(20, error.Errno); // ENOTDIR
        Assert.EndsWith(": Not a directory", error.Message);
    }
}
