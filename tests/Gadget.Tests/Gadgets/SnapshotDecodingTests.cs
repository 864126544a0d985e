using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Gadget.Containers;
using Gadget.Gadgets;
using Gadget.Gadgets.Common;
using Gadget.Gadgets.Snapshot.Process;
using Gadget.Gadgets.Snapshot.Socket;
using static Gadget.Tests.Gadgets.NetworkRecords;
using static Gadget.Tests.RecordBuilder;

namespace Gadget.Tests.Gadgets;

/// <summary>What the snapshot gadgets decode without a kernel: the iterators' record streams,
/// /proc status files, socket states, and which network namespaces a socket snapshot visits.</summary>
public class SnapshotDecodingTests
{
    private static ProcessEntry Entry(uint pid, uint tid, uint ppid, string comm) =>
        new() { Kind = (uint)ProcessRecordKind.Entry, Ppid = ppid, Header = Header(pid, comm) with { Tid = tid } };

    private static byte[] Seen(uint tgid) => Build(new ProcessSeen { Kind = (uint)ProcessRecordKind.Seen, Tgid = tgid });

    [Fact]
    public void The_task_pass_yields_its_entries_and_every_process_it_covered()
    {
        var data = Build(Entry(10, 10, 1, "sh"), Seen(11), Build(Entry(12, 12, 10, "sleep")), Seen(13), Build(Entry(12, 14, 10, "sleep")));
        var entries = new List<ProcessEntry>();
        var covered = new HashSet<int>();

        Assert.True(ProcessIteratorOutput.Decode(data, entries, covered));

        Assert.Equal([(10u, 10u, 1u), (12u, 12u, 10u), (12u, 14u, 10u)], entries.Select(e => (e.Header.Pid, e.Header.Tid, e.Ppid)));
        var sleep = entries[1];
        Assert.Equal("sleep", Encoding.UTF8.GetString(Utf8Strings.CString(sleep.Header.Comm)));
        Assert.Equal([10, 11, 12, 13], covered.Order());
    }

    [Fact]
    public void A_task_pass_cut_inside_a_record_or_with_an_unknown_kind_is_refused()
    {
        var whole = Build(Entry(10, 10, 1, "sh"));
        var entries = new List<ProcessEntry>();

        Assert.False(ProcessIteratorOutput.Decode(whole.AsSpan(0, whole.Length - 1), entries, []));
        Assert.Empty(entries);
        Assert.False(ProcessIteratorOutput.Decode(Build(new ProcessSeen { Kind = 7, Tgid = 3 }), entries, []));
        Assert.True(ProcessIteratorOutput.Decode([], entries, []));
    }

    private const string InitStatus = """
        Name:	process_api
        Umask:	0022
        State:	S (sleeping)
        Tgid:	1
        Ngid:	0
        Pid:	1
        PPid:	0
        TracerPid:	0
        Uid:	0	0	0	0
        Gid:	0	0	0	0
        FDSize:	32768
        """;

    [Fact]
    public void A_status_file_gives_ids_parent_and_real_user()
    {
        var comm = new byte[16];
        var text = Encoding.UTF8.GetBytes(InitStatus.Replace("Uid:\t0\t0", "Uid:\t1000\t0", StringComparison.Ordinal).Replace("Gid:\t0", "Gid:\t100", StringComparison.Ordinal));

        Assert.True(ProcStatus.TryParse(text, comm, out var status));

        Assert.Equal(new ProcStatus(Tgid: 1, Pid: 1, Ppid: 0, Uid: 1000, Gid: 100), status);
        Assert.Equal("process_api", Encoding.UTF8.GetString(Utf8Strings.CString(comm)));
    }

    [Fact]
    public void A_status_name_is_unescaped_and_cut_to_the_kernels_comm_length()
    {
        var comm = new byte[16];
        var text = Encoding.UTF8.GetBytes(InitStatus.Replace("process_api", @"a\nb\\c-and-a-long-tail", StringComparison.Ordinal));

        Assert.True(ProcStatus.TryParse(text, comm, out _));

        Assert.Equal("a\nb\\c-and-a-lon", Encoding.UTF8.GetString(Utf8Strings.CString(comm)));
        Assert.Equal(0, comm[15]);
    }

    [Theory]
    [InlineData("PPid:\t0\n", "")]
    [InlineData("Uid:\t0\t0\t0\t0\n", "Uid:\tx\n")]
    [InlineData("Tgid:\t1\n", "Tgid:\t\n")]
    public void A_status_file_without_a_field_is_refused(string line, string replacement) =>
        Assert.False(ProcStatus.TryParse(Encoding.UTF8.GetBytes((InitStatus + "\n").Replace(line, replacement, StringComparison.Ordinal)), new byte[16], out _));

    [Theory]
    [InlineData(SocketStates.IpprotoTcp, 1, "ESTABLISHED")]
    [InlineData(SocketStates.IpprotoTcp, 3, "SYN_RECV")]
    [InlineData(SocketStates.IpprotoTcp, 6, "TIME_WAIT")]
    [InlineData(SocketStates.IpprotoTcp, 10, "LISTEN")]
    [InlineData(SocketStates.IpprotoTcp, 12, "NEW_SYN_RECV")]
    [InlineData(SocketStates.IpprotoTcp, 0, "")]
    [InlineData(SocketStates.IpprotoTcp, 13, "")]
    [InlineData(SocketStates.IpprotoUdp, 1, "ACTIVE")]
    [InlineData(SocketStates.IpprotoUdp, 7, "INACTIVE")]
    [InlineData(SocketStates.IpprotoUdp, 10, "")]
    public void Socket_states_are_named_as_the_reference_names_them(byte protocol, byte state, string name) =>
        Assert.Equal(name, Encoding.UTF8.GetString(SocketStates.Name(protocol, state)));

    [Fact]
    public void A_socket_pass_yields_one_entry_per_record()
    {
        var listener = new SocketEntry { Src = Endpoint("0.0.0.0", 8080), Dst = Endpoint("0.0.0.0", 0), Inode = 4242, State = 10 };
        var udp = new SocketEntry { Src = Endpoint("::1", 53) with { Proto = SocketStates.IpprotoUdp }, Dst = Endpoint("::", 0), State = 7 };
        var entries = new List<SocketEntry>();

        Assert.True(SocketSnapshot.Decode(Build(listener, Build(udp)), entries));
        Assert.False(SocketSnapshot.Decode(Build(listener).AsSpan(0, 40), entries));

        Assert.Equal(2, entries.Count);
        Assert.Equal((8080, 4242ul, (byte)10), (entries[0].Src.Port, entries[0].Inode, entries[0].State));
        Assert.Equal((6, SocketStates.IpprotoUdp), (entries[1].Src.Version, entries[1].Src.Proto));
    }

    private static ContainerInfo Container(string name, ulong netns, int pid, string pod = "", bool hostNetwork = false) => new()
    {
        Runtime = "containerd",
        Id = "id-" + name,
        Name = name,
        K8sContainerName = pod.Length > 0 ? name : "",
        PodName = pod,
        Namespace = pod.Length > 0 ? "igtest" : "",
        PodLabels = pod.Length > 0 ? new Dictionary<string, string> { ["app"] = pod } : new Dictionary<string, string>(),
        NetnsId = netns,
        Pid = pid,
        HostNetwork = hostNetwork,
    };

    [Fact]
    public void Each_network_namespace_is_visited_once_and_a_lone_container_owns_its_sockets()
    {
        var web = Container("web", 100, 10);
        var db = Container("db", 200, 20);

        var plan = SocketNamespaces.Plan([web, db, web], [web, db], hostNetns: 1, includeHost: false);

        Assert.Equal([(100ul, 10, web), (200ul, 20, db)], plan.Select(p => (p.NetnsId, p.Pid, p.Owner)));
    }

    [Fact]
    public void A_pod_whose_containers_share_the_namespace_owns_its_sockets_and_no_container_does()
    {
        var server = Container("server", 100, 10, pod: "shop");
        var client = Container("client", 100, 11, pod: "shop");

        // Even when only one of them is selected: the sockets are the pod's.
        var owner = SocketNamespaces.Plan([client], [server, client], hostNetns: 1, includeHost: false).Single().Owner!;

        Assert.Equal(("shop", "igtest", "containerd"), (owner.PodName, owner.Namespace, owner.Runtime));
        Assert.Equal(("", "", ""), (owner.Name, owner.K8sContainerName, owner.Id));
        Assert.Equal("shop", owner.PodLabels["app"]);
    }

    [Fact]
    public void The_host_namespace_comes_first_with_host_and_host_network_or_unrelated_sharers_own_nothing()
    {
        var hostNet = Container("agent", 1, 30, pod: "agent", hostNetwork: true);
        var a = Container("a", 300, 40);
        var b = Container("b", 300, 41);

        var dockerHostNet = Container("docker-host", 1, 31);

        var plan = SocketNamespaces.Plan([hostNet, a], [hostNet, a, b], hostNetns: 1, includeHost: true);

        Assert.Equal([(1ul, 0, (ContainerInfo?)null), (300ul, 40, null)], plan.Select(p => (p.NetnsId, p.Pid, p.Owner)));
        Assert.Null(SocketNamespaces.Plan([hostNet], [hostNet], hostNetns: 1, includeHost: false).Single().Owner);
        // Alone in the host's namespace, yet not the owner of the host's sockets.
        Assert.Equal((1ul, 31, (ContainerInfo?)null), SocketNamespaces.Plan([dockerHostNet], [dockerHostNet], hostNetns: 1, includeHost: false).Select(p => (p.NetnsId, p.Pid, p.Owner)).Single());
    }

    [Fact]
    public void A_container_whose_namespace_or_process_is_unknown_is_not_visited() =>
        Assert.Empty(SocketNamespaces.Plan([Container("new", 0, 10), Container("gone", 100, 0)], [], hostNetns: 1, includeHost: false));

    public static TheoryData<string, string, Type> Layouts => new()
    {
        { "snapshot_process.bpf.o", "snapshot_process_entry", typeof(ProcessEntry) },
        { "snapshot_process.bpf.o", "snapshot_process_seen", typeof(ProcessSeen) },
        { "snapshot_process.bpf.o", "gadget_event_header", typeof(EventHeader) },
        { "snapshot_socket.bpf.o", "snapshot_socket_entry", typeof(SocketEntry) },
        { "snapshot_socket.bpf.o", "gadget_l4endpoint", typeof(L4Endpoint) },
    };

    /// <summary>The C# mirrors match the C structs byte for byte (compared with the objects' BTF).</summary>
    [Theory]
    [MemberData(nameof(Layouts))]
    public void Records_mirror_their_btf(string objectName, string cName, Type type)
    {
        using var stream = typeof(GadgetException).Assembly.GetManifestResourceStream("bpf/" + objectName)!;
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        using var bpf = Gadget.Native.BpfObject.Open(bytes, "igt_layout");
        var members = bpf.Btf.GetStructMembers(cName)!;
        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            var member = members.Single(m => m.Name.Replace("_", "", StringComparison.Ordinal).Equals(field.Name, StringComparison.OrdinalIgnoreCase));
            Assert.Equal(member.Offset, (int)Marshal.OffsetOf(type, field.Name));
            Assert.Equal(member.Size, Marshal.SizeOf(field.FieldType));
        }
        Assert.Equal(bpf.Btf.GetStructSize(cName), Marshal.SizeOf(type));
    }
}
