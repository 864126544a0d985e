using Gadget.Containers;
using Gadget.Gadgets;
using Gadget.Output;

namespace Gadget.Tests.Output;

/// <summary>`ig list-containers` in columns: the default ones, and those chosen with -o columns=...</summary>
public class ContainerListWriterTests
{
    private static readonly ContainerInfo Web = new()
    {
        Runtime = "containerd",
        Id = "0123456789abcdef0123",
        Name = "web",
        ImageName = "docker.io/library/web:1",
        ImageDigest = "sha256:1d",
        Pid = 4806,
        MntnsId = 4026532324,
        NetnsId = 4026532327,
        PodName = "web-7d9",
        Namespace = "prod",
        K8sContainerName = "web",
        PodUid = "uid-1",
        PodLabels = new Dictionary<string, string> { ["app"] = "web" },
    };

    private static string[] Lines(IReadOnlyList<ContainerColumn>? columns, bool watch = false)
    {
        var text = new StringWriter();
        var writer = new ContainerListWriter(text, json: false, watch, columns);
        writer.WriteHeader();
        writer.Write(Web);
        return text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void Default_columns_are_the_reference_ones()
    {
        var lines = Lines(null);

        Assert.Equal("RUNTIME    ID            NAME                     NAMESPACE        POD                      PID      MNTNS       IMAGE", lines[0]);
        Assert.Equal("containerd 0123456789abc web                      prod             web-7d9                  4806     4026532324  docker.io/library/web:1", lines[1]);
    }

    [Fact]
    public void Chosen_columns_come_in_the_order_given_and_the_last_is_never_cut()
    {
        var lines = Lines(ContainerColumns.Select(["name", "pid", "runtime"]));

        Assert.Equal("NAME                     PID      RUNTIME", lines[0]);
        Assert.Equal("web                      4806     containerd", lines[1]);
    }

    [Fact]
    public void Json_field_names_choose_columns_too_in_any_case()
    {
        var lines = Lines(ContainerColumns.Select(["runtime.containerName", "MNTNS", "k8s.podUID", "netns", "k8s.podLabels"]), watch: true);

        Assert.Equal(["EVENT", "NAME", "MNTNS", "K8S.PODUID", "NETNS", "K8S.PODLABELS"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["CREATED", "web", "4026532324", "uid-1", "4026532327", "app=web"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_column_is_at_least_as_wide_as_its_header()
    {
        // K8S.HOSTNETWORK is wider than "false".
        var lines = Lines(ContainerColumns.Select(["k8s.hostNetwork", "name"]));

        Assert.Equal("K8S.HOSTNETWORK NAME", lines[0]);
        Assert.Equal("false           web", lines[1]);
    }

    [Fact]
    public void An_unknown_column_is_one_error_listing_the_valid_names()
    {
        var error = Assert.Throws<GadgetException>(() => ContainerColumns.Select(["name", "nope"]));

        Assert.StartsWith("unknown column \"nope\"; available: runtime, id, name,", error.Message);
        Assert.All(ContainerColumns.All, c => Assert.Contains(c.Name, error.Message));
    }
}
