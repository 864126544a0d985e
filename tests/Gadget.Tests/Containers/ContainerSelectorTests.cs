using Gadget.Containers;

namespace Gadget.Tests.Containers;

public class ContainerSelectorTests
{
    private static readonly ContainerInfo Pod = new()
    {
        Runtime = "containerd", Id = "1", Name = "web", K8sContainerName = "web", PodName = "web-7d9", Namespace = "prod",
        PodLabels = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" },
    };

    private static readonly ContainerInfo Docker = new() { Runtime = "docker", Id = "2", Name = "db" };

    [Fact]
    public void Each_criterion_narrows()
    {
        Assert.True(new ContainerSelector().Matches(Docker));
        Assert.True(new ContainerSelector { ContainerName = "web" }.Matches(Pod));
        Assert.False(new ContainerSelector { ContainerName = "web" }.Matches(Docker));
        Assert.True(new ContainerSelector { PodName = "web-7d9", Namespace = "prod" }.Matches(Pod));
        Assert.False(new ContainerSelector { Namespace = "dev" }.Matches(Pod));
        Assert.True(new ContainerSelector { Labels = ContainerSelector.ParseLabels("app=web,tier=front") }.Matches(Pod));
        Assert.False(new ContainerSelector { Labels = ContainerSelector.ParseLabels("app=db") }.Matches(Pod));
        Assert.False(new ContainerSelector { Runtimes = new HashSet<string> { "containerd" } }.Matches(Docker));
    }

    [Theory]
    [InlineData("app")]
    [InlineData("=x")]
    public void Bad_label_selectors_are_rejected(string text) =>
        Assert.Throws<ArgumentException>(() => ContainerSelector.ParseLabels(text));

    [Fact]
    public void Describe_names_the_flags()
    {
        var selector = new ContainerSelector { ContainerName = "web", Namespace = "prod", Labels = ContainerSelector.ParseLabels("a=b") };
        Assert.Equal("-c web -n prod -l a=b", selector.Describe());
    }
}
