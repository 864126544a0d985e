using Gadget.Native;

namespace Gadget.Tests.Bpf;

public class CgroupV2Tests
{
    private const string Hybrid = """
        22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
        30 22 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
        31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate
        32 30 0:28 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,xattr,name=systemd
        """;

    [Fact]
    public void The_cgroup2_mount_of_a_hybrid_system_is_found()
    {
        Assert.True(CgroupV2.TryFindRoot(Hybrid.Split('\n'), out var root));
        Assert.Equal("/sys/fs/cgroup/unified", root);
    }

    [Fact]
    public void A_cgroup2_mount_of_a_subtree_is_not_the_root_and_none_means_none()
    {
        string[] lines =
        [
            "40 30 0:27 /kubepods/pod1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw",
            "41 30 0:27 / /mnt/with\\040space rw shared:3 master:1 - cgroup2 none rw",
        ];
        Assert.True(CgroupV2.TryFindRoot(lines, out var root));
        Assert.Equal("/mnt/with space", root);
        Assert.False(CgroupV2.TryFindRoot(lines[..1], out _));
        Assert.False(CgroupV2.TryFindRoot(["garbage", "", "1 2 3 - cgroup2"], out _));
    }
}
