using Gadget.Containers;
using Gadget.Gadgets.Trace.Exec;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Containers;

/// <summary>The events of a container that root's runc is making are kept by the kernel
/// whatever the selection, and held by ig until it knows the container: then the selection
/// decides, as for any other event. (First execs with a container selection are in
/// DockerFirstExecTests, DockerAttributionTests and CriAttributionTests.)</summary>
public sealed class NewContainerHoldTests
{
    [Fact]
    public void Host_alone_attributes_the_first_exec_of_a_new_container()
    {
        Requires.Root();
        using var session = RunningGadget.StartWithContainers(new ExecGadget(), new ContainerSelector { IncludeHost = true });
        var marker = Paths.UniqueName("m");

        using var container = DockerContainer.Run(command: ["/bin/echo", marker]);

        var e = session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker]), "for the first exec of the new container");
        Assert.Equal(container.Name, e.Str("runtime", "containerName"));
    }

    [Fact]
    public void Host_with_a_selection_keeps_a_new_selected_containers_first_exec_and_not_another_new_ones()
    {
        Requires.Root();
        var wantedName = Paths.UniqueName("igt-want");
        using var session = RunningGadget.StartWithContainers(new ExecGadget(), new ContainerSelector { IncludeHost = true, ContainerName = wantedName });
        var marker = Paths.UniqueName("m");

        // Not selected: --host shows everything but the containers not selected, and this new
        // one must not pass for a host process while ig does not know it yet.
        using (DockerContainer.Run(command: ["/bin/echo", marker, "other"]))
        using (DockerContainer.Run(wantedName, ["/bin/echo", marker, "wanted"]))
        {
            var wanted = session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker, "wanted"]), "for the selected container's first exec");
            Assert.Equal(wantedName, wanted.Str("runtime", "containerName"));
            Shell.Run("/bin/echo", marker, "host");
            session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker, "host"]), "for the host's exec");
        }
        // Ending the run decides whatever is still held.
        session.Stop();
        var other = session.Records.Where(e => e.Strings("args").SequenceEqual(["/bin/echo", marker, "other"])).Select(e => e.GetRawText()).ToList();
        Assert.True(other.Count == 0, "the unselected container's exec was shown: " + string.Join("\n", other));
    }
}
