using Gadget.Containers.Procfs;

namespace Gadget.Tests.Containers;

public class ProcfsParsingTests
{
    [Theory]
    [InlineData("mnt:[4026531841]", true, 4026531841UL)]
    [InlineData("net:[1]", true, 1UL)]
    [InlineData("mnt:[]", false, 0UL)]
    [InlineData("mnt:4026531841", false, 0UL)]
    [InlineData("garbage", false, 0UL)]
    public void Namespace_links(string link, bool ok, ulong id)
    {
        Assert.Equal(ok, ProcNamespaces.TryParseLink(System.Text.Encoding.UTF8.GetBytes(link), out var parsed));
        Assert.Equal(id, parsed);
    }

    [Theory]
    [InlineData("0::/system.slice/docker-abc.scope", 0, "", "/system.slice/docker-abc.scope")]
    [InlineData("4:memory:/docker/1234", 4, "memory", "/docker/1234")]
    public void Cgroup_lines(string line, int id, string controllers, string path)
    {
        Assert.True(CgroupLine.TryParse(line, out var parsed));
        Assert.Equal(new CgroupLine(id, controllers, path), parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x:memory:/a")]
    [InlineData("3:memory")]
    [InlineData("3:memory:relative")]
    public void Bad_cgroup_lines_are_rejected(string line) => Assert.False(CgroupLine.TryParse(line, out _));

    private const string Id = "0f8ac8d28fa9c6a26019e674136d51403cb9978191802ad97366dbbf91998a07";

    [Theory]
    [InlineData("/docker/" + Id, "docker")]
    [InlineData("/system.slice/docker-" + Id + ".scope", "docker")]
    [InlineData("/kubepods.slice/kubepods-besteffort.slice/kubepods-pod1.slice/cri-containerd-" + Id + ".scope", "containerd")]
    [InlineData("/machine.slice/libpod-" + Id + ".scope", "podman")]
    [InlineData("/kubepods/besteffort/pod123/" + Id, "unknown")]
    public void Container_cgroup_paths(string path, string runtime)
    {
        Assert.True(CgroupFile.TryParseContainer(path, out var parsedRuntime, out var id));
        Assert.Equal(runtime, parsedRuntime);
        Assert.Equal(Id, id);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/user.slice/user-0.slice/session-1.scope")]
    [InlineData("/docker/notanid")]
    public void Host_cgroup_paths_are_not_containers(string path) => Assert.False(CgroupFile.TryParseContainer(path, out _, out _));
}
