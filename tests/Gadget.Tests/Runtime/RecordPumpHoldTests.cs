using Gadget.Containers;
using Gadget.Gadgets;
using Gadget.Gadgets.Trace.Exec;
using Gadget.Runtime;
using static Gadget.Tests.RecordBuilder;

namespace Gadget.Tests.Runtime;

/// <summary>Records of a namespace that root's runtime is making a container in wait in the
/// pump until the namespace is settled, then the selection decides; nothing else waits.</summary>
public sealed class RecordPumpHoldTests
{
    private const ulong Host = 4026531840;
    private const ulong NewMntns = 4026533001;
    private const ulong OtherMntns = 4026533002;

    private ulong _kernelMarks;
    private readonly List<ulong> _kernelList = [];
    private readonly List<ulong> _forgotten = [];
    private readonly ContainerCollection _containers = new();
    private readonly Sink _sink = new();

    private NamespaceHold NewHold() => new(() => _kernelMarks, () => [.. _kernelList], m => _forgotten.Add(m));

    private RecordPump NewPump(NamespaceHold hold, IMountNamespaceFilter? filter) =>
        new((StreamRun)new ExecGadget().CreateRun(new ParameterValues(new ExecGadget().Parameters)), _containers, _sink, hold, filter);

    private static byte[] Exec(ulong mntns, uint pid) => Build(new ExecEvent { Header = Header(pid, "echo", mntns), ArgsSize = 0 });

    private static ContainerInfo Container(string name, ulong mntns) => new() { Runtime = "docker", Id = name + "-id", Name = name, MntnsId = mntns };

    /// <summary>The kernel lists a namespace and the watcher takes it in.</summary>
    private void KernelMarks(NamespaceHold hold, ulong mntns)
    {
        _kernelList.Add(mntns);
        _kernelMarks++;
        hold.CatchUp();
    }

    [Fact]
    public void A_new_containers_records_wait_until_it_is_known_then_are_attributed()
    {
        var hold = NewHold();
        var pump = NewPump(hold, new ContainerMountNamespaceFilter(_containers, new ContainerSelector { ContainerName = "web" }));
        KernelMarks(hold, NewMntns);

        pump.OnRecord(Exec(NewMntns, 1));
        pump.OnRecord(Exec(NewMntns, 2));
        pump.ReleaseHeld();
        Assert.Empty(_sink.Seen);
        Assert.Equal(2, pump.Held);

        _containers.AddOrUpdate(Container("web", NewMntns));
        hold.Settle(NewMntns);
        pump.ReleaseHeld();

        Assert.Equal([("web", 1u), ("web", 2u)], _sink.Seen);
        Assert.Equal(0, pump.Held);
        Assert.Equal([NewMntns], _forgotten);
        // Kept by the kernel while pending, read after: the selection still decides.
        pump.OnRecord(Exec(NewMntns, 3));
        Assert.Equal(("web", 3u), _sink.Seen[^1]);
    }

    [Fact]
    public void A_new_container_the_selection_does_not_want_is_dropped_once_known()
    {
        var hold = NewHold();
        var pump = NewPump(hold, new ContainerMountNamespaceFilter(_containers, new ContainerSelector { ContainerName = "web" }));
        KernelMarks(hold, OtherMntns);

        pump.OnRecord(Exec(OtherMntns, 1));
        _containers.AddOrUpdate(Container("other", OtherMntns));
        hold.Settle(OtherMntns);
        pump.ReleaseHeld();
        pump.OnRecord(Exec(OtherMntns, 2));

        Assert.Empty(_sink.Seen);
        Assert.Equal(0, pump.Held);
    }

    [Fact]
    public void With_host_a_new_unselected_container_never_passes_for_the_host()
    {
        var hold = NewHold();
        var pump = NewPump(hold, new ContainerMountNamespaceFilter(_containers, new ContainerSelector { IncludeHost = true, ContainerName = "web" }, excludes: true));
        KernelMarks(hold, OtherMntns);

        pump.OnRecord(Exec(Host, 1));
        pump.OnRecord(Exec(OtherMntns, 2));
        Assert.Equal([("", 1u)], _sink.Seen);
        // Still unknown when the run ends: a namespace the runtime made is no host's.
        pump.ReleaseHeld(force: true);

        Assert.Equal([("", 1u)], _sink.Seen);
    }

    [Fact]
    public void A_record_of_a_namespace_listed_but_not_yet_taken_in_waits_for_the_watcher()
    {
        var hold = NewHold();
        var pump = NewPump(hold, null);
        // The kernel listed it; the watcher's thread has not read its report yet.
        _kernelList.Add(NewMntns);
        _kernelMarks++;

        pump.OnRecord(Exec(NewMntns, 1));
        pump.OnRecord(Exec(Host, 2));
        pump.ReleaseHeld();
        Assert.Empty(_sink.Seen);

        hold.CatchUp();
        pump.ReleaseHeld();
        // The host's record goes; the new namespace's is pending now.
        Assert.Equal([("", 2u)], _sink.Seen);
        _containers.AddOrUpdate(Container("web", NewMntns));
        hold.Settle(NewMntns);
        pump.ReleaseHeld();

        Assert.Equal([("", 2u), ("web", 1u)], _sink.Seen);
    }

    [Fact]
    public void Without_a_filter_an_unknown_new_namespace_is_shown_unattributed_when_the_run_ends()
    {
        var hold = NewHold();
        var pump = NewPump(hold, null);
        KernelMarks(hold, NewMntns);

        pump.OnRecord(Exec(NewMntns, 1));
        pump.ReleaseHeld(force: true);

        Assert.Equal([("", 1u)], _sink.Seen);
    }

    [Fact]
    public void A_namespace_id_reused_by_the_next_container_is_held_again()
    {
        var hold = NewHold();
        var pump = NewPump(hold, new ContainerMountNamespaceFilter(_containers, new ContainerSelector { ContainerName = "second" }));
        KernelMarks(hold, NewMntns);
        _containers.AddOrUpdate(Container("first", NewMntns));
        hold.Settle(NewMntns);
        _kernelList.Remove(NewMntns);

        // The first container is gone; the kernel gives its namespace id to the next one.
        _containers.Remove("first-id");
        KernelMarks(hold, NewMntns);
        Assert.Equal(HoldState.Pending, hold.StateOf(NewMntns));
        pump.OnRecord(Exec(NewMntns, 1));
        Assert.Empty(_sink.Seen);
        _containers.AddOrUpdate(Container("second", NewMntns));
        hold.Settle(NewMntns);
        pump.ReleaseHeld();

        Assert.Equal([("second", 1u)], _sink.Seen);
    }

    [Fact]
    public void Nothing_is_held_when_no_namespace_is_new()
    {
        var hold = NewHold();
        var pump = NewPump(hold, new ContainerMountNamespaceFilter(_containers, new ContainerSelector()));
        _containers.AddOrUpdate(Container("web", NewMntns));

        Assert.False(hold.IsActive);
        pump.OnRecord(Exec(NewMntns, 1));

        Assert.Equal([("web", 1u)], _sink.Seen);
        Assert.Equal(0, pump.Held);
    }

    private sealed class Sink : IGadgetSink
    {
        public List<(string Container, uint Pid)> Seen { get; } = [];

        public void Start(SinkStart start)
        {
        }

        public void Event(in EventRecord record) => Seen.Add((record.Container?.Name ?? "", record.Header.Pid));

        public void EndBatch()
        {
        }

        public void Frame(Frame frame)
        {
        }

        public void Lost(ulong count)
        {
        }

        public void End(RunSummary summary)
        {
        }
    }
}
