using Gadget.Native;
using Gadget.Gadgets.Trace.Open;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Runtime;

/// <summary>The leak check itself: while this process holds a gadget's (or a test object's)
/// programs and maps, every one of them must count as ours, so one left behind cannot go unseen.</summary>
public sealed class LeakDetectionTests : OwningTest
{

    [Fact]
    public void Every_map_and_program_of_a_running_gadget_is_recognised()
    {
        Requires.Root();
        // The kernel frees the objects of the test before asynchronously: wait for that first.
        KernelObjects.AssertNoneLoaded();
        using var session = RunningGadget.Start(new OpenGadget());

        AssertAllHeldAreRecognised(["events", "lost_events", "mntns_filter", "ig_open.rodata"]);
    }

    [Fact]
    public void Every_map_and_program_of_a_test_object_is_recognised()
    {
        Requires.Root();
        KernelObjects.AssertNoneLoaded();
        using var bpf = KernelObjects.OpenTestObject("binding_test");
        bpf.SetConstant("target_tgid", (uint)Environment.ProcessId);
        bpf.Load();

        AssertAllHeldAreRecognised(["hits", "scratch_keys", "events"]);
    }

    /// <summary>This process holds only what the test loaded, and holding it makes it a leftover:
    /// the leftovers must be exactly what it holds.</summary>
    private static void AssertAllHeldAreRecognised(string[] expectedMaps)
    {
        var leftovers = KernelObjects.LeftoverObjects();
        var heldMaps = KernelObjects.MapsHeldBy(Environment.ProcessId);
        var heldPrograms = KernelObjects.HeldBy(Environment.ProcessId);

        var found = string.Join(", ", leftovers);
        Assert.NotEmpty(heldPrograms);
        Assert.Equal(heldMaps.Order(), leftovers.Where(o => o.Kind == "map").Select(o => o.Id).Order());
        Assert.Equal(heldPrograms.Order(), leftovers.Where(o => o.Kind == "program").Select(o => o.Id).Order());
        foreach (var map in expectedMaps)
            Assert.True(leftovers.Any(o => o.Kind == "map" && o.Name == map), $"map {map} not among {found}");
    }
}
