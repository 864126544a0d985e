using Gadget.Containers;

namespace Gadget.Tests.Containers;

public class ContainerCollectionTests
{
    private static ContainerInfo Container(string id, ulong mntns, string name = "", string pod = "") =>
        new() { Runtime = "docker", Id = id, Name = name.Length > 0 ? name : id, MntnsId = mntns, PodName = pod };

    [Fact]
    public void Adds_resolves_and_removes_by_id_prefix()
    {
        var collection = new ContainerCollection();
        var changes = new List<(string, bool)>();
        collection.Changed += (c, added) => changes.Add((c.Id, added));

        collection.AddOrUpdate(Container("0123456789abcdef", 10));
        Assert.Equal("0123456789abcdef", collection.Resolve(10)!.Id);
        Assert.True(collection.Remove("0123456789ab"));

        Assert.Equal([("0123456789abcdef", true), ("0123456789abcdef", false)], changes);
        Assert.Equal(0, collection.Count);
    }

    [Fact]
    public void A_stopped_container_still_attributes_events_queued_before_it_stopped()
    {
        var collection = new ContainerCollection();
        collection.AddOrUpdate(Container("a", 10));
        collection.Remove("a");

        Assert.Equal("a", collection.Resolve(10)?.Id);
        Assert.Empty(collection.Snapshot());
    }

    [Fact]
    public void A_second_sighting_enriches_without_a_second_add()
    {
        var collection = new ContainerCollection();
        var adds = 0;
        ContainerInfo? updated = null;
        collection.Changed += (_, added) => adds += added ? 1 : 0;
        collection.Updated += c => updated = c;

        collection.AddOrUpdate(Container("a", 10) with { Runtime = "unknown", Name = "a" });
        collection.AddOrUpdate(Container("a", 10, name: "web") with { PodLabels = new Dictionary<string, string> { ["app"] = "web" } });
        collection.AddOrUpdate(Container("a", 10, name: "web") with { PodLabels = new Dictionary<string, string> { ["app"] = "web" } });

        Assert.Equal(1, adds);
        Assert.Equal("web", collection.Resolve(10)!.Name);
        Assert.Equal("docker", collection.Resolve(10)!.Runtime);
        Assert.Equal("web", updated!.PodLabels["app"]);
    }

    [Fact]
    public void A_new_container_that_reuses_a_stopped_ones_mount_namespace_id_inherits_nothing()
    {
        var collection = new ContainerCollection();
        var changes = new List<(string, bool)>();
        collection.Changed += (c, added) => changes.Add((c.Id, added));
        collection.AddOrUpdate(Container("pod-container", 10, name: "admin", pod: "p") with { K8sContainerName = "admin", Namespace = "ns" });

        // It stopped, unnoticed so far; the kernel gives its namespace id to a Docker container.
        collection.AddOrUpdate(Container("docker-container", 10, name: "web"));

        var now = collection.Resolve(10)!;
        Assert.Equal(("docker-container", "web", "", "", ""), (now.Id, now.Name, now.PodName, now.Namespace, now.K8sContainerName));
        Assert.Equal([("pod-container", true), ("pod-container", false), ("docker-container", true)], changes);
    }

    [Fact]
    public void Containers_without_a_mount_namespace_are_ignored()
    {
        var collection = new ContainerCollection();
        collection.AddOrUpdate(Container("a", 0));
        Assert.Equal(0, collection.Count);
    }

    [Fact]
    public void A_container_in_the_hosts_mount_namespace_is_ignored()
    {
        // Its key would attribute every host event to it.
        var host = Gadget.Containers.Procfs.ProcNamespaces.HostMountNamespace;
        Assert.NotEqual(0UL, host); // pid 1's, or ours where pid 1's is out of reach
        var collection = new ContainerCollection();
        collection.AddOrUpdate(Container("a", host));
        Assert.Equal(0, collection.Count);
        Assert.Null(collection.Resolve(host));
    }

    [Fact]
    public void The_kernel_filter_follows_matching_containers_only()
    {
        var collection = new ContainerCollection();
        collection.AddOrUpdate(Container("a", 10, name: "web"));
        var filter = new ContainerMountNamespaceFilter(collection, new ContainerSelector { ContainerName = "web" });
        var changes = new List<(ulong, bool)>();

        using (filter.Subscribe((mntns, allowed) => changes.Add((mntns, allowed))))
        {
            collection.AddOrUpdate(Container("b", 11, name: "db"));
            collection.AddOrUpdate(Container("c", 12, name: "web"));
            collection.Remove("c");
        }
        collection.AddOrUpdate(Container("d", 13, name: "web"));

        Assert.Equal([10UL, 13UL], filter.Current.Order());
        Assert.Equal([(12UL, true), (12UL, false)], changes);
    }

    [Fact]
    public void The_excluding_kernel_filter_lists_the_containers_not_selected()
    {
        var collection = new ContainerCollection();
        collection.AddOrUpdate(Container("a", 10, name: "web"));
        collection.AddOrUpdate(Container("b", 11, name: "db"));
        var filter = new ContainerMountNamespaceFilter(collection, new ContainerSelector { ContainerName = "web", IncludeHost = true }, excludes: true);
        var changes = new List<(ulong, bool)>();

        using (filter.Subscribe((mntns, listed) => changes.Add((mntns, listed))))
        {
            collection.AddOrUpdate(Container("c", 12, name: "web"));
            collection.AddOrUpdate(Container("d", 13, name: "cache"));
            collection.Remove("d");
        }

        Assert.True(filter.Excludes);
        Assert.Equal([11UL], filter.Current.Order());
        Assert.Equal([(13UL, true), (13UL, false)], changes);
    }
}
