using Gadget.Containers.Runtimes.Runc;

namespace Gadget.Tests.Containers;

public sealed class RuncWatchParsingTests
{
    [Fact]
    public void Arguments_reported_by_the_kernel_are_split_at_their_nuls()
    {
        var data = "runc\0--root\0/run/runc\0start\0abc\0"u8;

        Assert.Equal(["runc", "--root", "/run/runc", "start", "abc"], RuncWatch.SplitArguments(data));
        Assert.Equal(["runc", "sta"], RuncWatch.SplitArguments("runc\0sta"u8));
        Assert.Empty(RuncWatch.SplitArguments([]));
    }

    [Theory]
    [InlineData("0123456789abcdef", true)]
    [InlineData("my_container-1.2+x", true)]
    [InlineData("..", false)]
    [InlineData(".", false)]
    [InlineData("a/b", false)]
    [InlineData("", false)]
    [InlineData("a\0b", false)]
    public void Container_ids_are_one_path_component(string id, bool valid) => Assert.Equal(valid, RuncState.IsValidId(id));
}
