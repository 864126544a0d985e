using System.Globalization;
using System.Net;
using System.Text;
using Gadget.Gadgets;
using Gadget.Gadgets.Common;
using Gadget.Gadgets.Snapshot.Process;
using Gadget.Gadgets.Snapshot.Socket;
using Gadget.IntegrationTests.Infrastructure;
using Gadget.Native;
using NetworkNamespace = Gadget.IntegrationTests.Infrastructure.NetworkNamespace;

namespace Gadget.IntegrationTests.Snapshot;

/// <summary>The snapshot gadgets' kernel side on the real kernel, below the gadgets: one pass of
/// the task iterator completed from /proc, and the socket iterators run from inside a network
/// namespace, each checked against what /proc says.</summary>
public sealed class SnapshotIteratorTests : OwningTest
{
    private static BpfObject Open(string name)
    {
        using var stream = typeof(GadgetException).Assembly.GetManifestResourceStream($"bpf/{name}.bpf.o")!;
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        var bpf = BpfObject.Open(bytes, "igt_" + name[..Math.Min(name.Length, 10)]);
        // The ring buffer of gadget.h is unused by iterators: the smallest one will do.
        bpf.Map("events").MaxEntries = 4096;
        return bpf;
    }

    private BpfLink Load(BpfObject bpf, string program)
    {
        bpf.Load();
        return Own(bpf.Program(program).AttachIterator());
    }

    private static string Comm(in ProcessEntry entry) => Encoding.UTF8.GetString(Utf8Strings.CString(entry.Header.Comm));

    private static Dictionary<string, string> Status(int pid, int tid) =>
        File.ReadLines($"/proc/{pid}/task/{tid}/status").Select(l => l.Split(':', 2)).ToDictionary(f => f[0], f => f[1].Trim());

    private static uint First(string value) => uint.Parse(value.Split('\t')[0], CultureInfo.InvariantCulture);

    /// <summary>The entry has the ids, parent, real user and group, and name /proc gives the task.</summary>
    private static void AssertLikeProc(in ProcessEntry entry, int pid, int tid)
    {
        var status = Status(pid, tid);
        Assert.Equal(((uint)pid, (uint)tid), (entry.Header.Pid, entry.Header.Tid));
        Assert.Equal(uint.Parse(status["PPid"], CultureInfo.InvariantCulture), entry.Ppid);
        Assert.Equal(First(status["Uid"]), entry.Header.Uid);
        Assert.Equal(First(status["Gid"]), entry.Header.Gid);
        Assert.Equal(status["Name"], Comm(entry));
    }

    [Fact]
    public void A_pass_over_every_process_includes_the_init_the_iterator_skips_and_this_process()
    {
        Requires.Root();
        using var bpf = Open("snapshot_process");
        var link = Load(bpf, "ig_snap_proc");

        var result = ProcessSnapshot.Take(link, threads: false, wants: _ => true);

        var init = result.Entries.Single(e => e.Header.Pid == 1);
        AssertLikeProc(init, 1, 1);
        // Its namespace link is out of reach here: it counts as the host's.
        Assert.Equal(Gadget.Containers.Procfs.ProcNamespaces.HostMountNamespace, init.Header.MntnsId);
        Assert.True(result.FromProc >= 1);
        var self = result.Entries.Single(e => e.Header.Pid == Environment.ProcessId);
        AssertLikeProc(self, Environment.ProcessId, Environment.ProcessId);
        Assert.Equal(MountNamespace.Own, self.Header.MntnsId);
        Assert.Equal(result.Entries.Count, result.Entries.Select(e => e.Header.Pid).Distinct().Count());
        Assert.All(result.Entries, e => Assert.Equal(e.Header.Pid, e.Header.Tid));
        var kthreadd = result.Entries.Single(e => e.Header.Pid == 2);
        Assert.Equal("kthreadd", Comm(kthreadd));
    }

    [Fact]
    public void A_pass_filtered_by_mount_namespace_in_the_kernel_lists_exactly_that_namespace_and_its_threads()
    {
        Requires.Root();
        var process = Own(BackgroundProcess.Start("unshare", "--mount", "--propagation", "private", Helpers.Snapshot, "threads"));
        Poll.Until(() => Directory.GetDirectories($"/proc/{process.Pid}/task").Length == 2 &&
            File.ReadAllText($"/proc/{process.Pid}/comm").Trim() == "snapshot", "the helper's worker thread");
        var mntns = MountNamespace.Of(process.Pid);
        Assert.NotEqual(MountNamespace.Own, mntns);
        using var bpf = Open("snapshot_process");
        bpf.SetConstant("gadget_filter_by_mntns", true);
        bpf.SetConstant("show_threads", true);
        var link = Load(bpf, "ig_snap_proc");
        bpf.Map("mntns_filter").Update(mntns, 1u);

        var result = ProcessSnapshot.Take(link, threads: true, wants: id => id == mntns);

        Assert.Equal(0, result.FromProc);
        var worker = Directory.GetDirectories($"/proc/{process.Pid}/task").Select(d => int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture)).Single(t => t != process.Pid);
        Assert.Equal([(process.Pid, process.Pid, "snapshot"), (process.Pid, worker, "worker")],
            result.Entries.Select(e => ((int)e.Header.Pid, (int)e.Header.Tid, Comm(e))).Order());
        foreach (var entry in result.Entries)
        {
            AssertLikeProc(entry, process.Pid, (int)entry.Header.Tid);
            Assert.Equal(mntns, entry.Header.MntnsId);
        }
    }

    [Fact]
    public void Completing_from_proc_reads_only_what_the_pass_did_not_cover_and_keeps_the_filter()
    {
        Requires.Root();
        var process = Own(BackgroundProcess.Start("unshare", "--mount", "--propagation", "private", Helpers.Snapshot, "threads"));
        Poll.Until(() => Directory.GetDirectories($"/proc/{process.Pid}/task").Length == 2, "the helper's worker thread");
        var mntns = MountNamespace.Of(process.Pid);
        var entries = new List<ProcessEntry>();

        // As if the iterator had missed the helper: /proc supplies it, both threads, and nothing else.
        var added = ProcCompletion.Complete([], threads: true, id => id == mntns, entries);

        Assert.Equal(2, added);
        Assert.All(entries, e => AssertLikeProc(e, process.Pid, (int)e.Header.Tid));
        Assert.Equal(0, ProcCompletion.Complete([process.Pid], threads: true, id => id == mntns, entries));
    }

    [Fact]
    public void The_socket_iterators_list_exactly_the_sockets_of_the_namespace_they_were_created_in()
    {
        Requires.Root();
        var netns = Own(NetworkNamespace.Create("igt-snap"));
        var command = netns.Wrap(Helpers.Snapshot, "sockets", "7000");
        var helper = Own(BackgroundProcess.Start(command[0], command[1..]));
        // ip netns exec runs the helper as its own process (exec): its pid is the helper's.
        Poll.Until(() => ProcSocket.All(helper.Pid).Count == 9, "the helper's nine sockets");
        using var bpf = Open("snapshot_socket");
        bpf.Load();
        var iterators = new[] { Own(bpf.Program("ig_snap_tcp").AttachIterator()), Own(bpf.Program("ig_snap_udp").AttachIterator()) };
        using var inside = Gadget.Native.NetworkNamespace.TryOpen(helper.Pid)!;
        Assert.Equal(netns.Inode, inside.Id);
        var entries = new List<SocketEntry>();
        var buffer = Array.Empty<byte>();

        SocketSnapshot.Read(iterators, inside, entries, ref buffer);

        var expected = ProcSocket.All(helper.Pid).OrderBy(s => s.Inode).ToList();
        var actual = entries.Select(e => new ProcSocket(
            Encoding.UTF8.GetString(SocketStates.Protocol(e.Src.Proto)),
            Address(e.Src), e.Src.Port, Address(e.Dst), e.Dst.Port, e.State, e.Inode)).OrderBy(s => s.Inode).ToList();
        Assert.Equal(expected, actual);
        // Every socket of the helper is there, by the inode of its descriptor.
        Assert.Equal(ProcSocket.InodesByFd(helper.Pid).Values.Order(), actual.Select(s => s.Inode).Order());
        Assert.Contains(actual, s => s is { Protocol: "TCP", LocalPort: 7001, State: 10 } && s.LocalAddress.Equals(IPAddress.IPv6Loopback));
        Assert.Contains(actual, s => s is { Protocol: "UDP", LocalPort: 7002, State: 7 });

        // The same iterators, created from this thread, list this namespace's sockets, none of those.
        entries.Clear();
        SocketSnapshot.Read(iterators, null, entries, ref buffer);
        Assert.DoesNotContain(entries, e => actual.Any(s => s.Inode == e.Inode && e.Inode != 0));
    }

    private static IPAddress Address(in L4Endpoint endpoint)
    {
        ReadOnlySpan<byte> bytes = endpoint.Addr;
        return new IPAddress(endpoint.Version == 4 ? bytes[..4] : bytes);
    }
}
