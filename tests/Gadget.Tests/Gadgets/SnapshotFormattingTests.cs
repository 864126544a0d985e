using System.Text;
using System.Text.Json;
using Gadget.Containers;
using Gadget.Gadgets;
using Gadget.Gadgets.Snapshot.Process;
using Gadget.Gadgets.Snapshot.Socket;
using Gadget.Output;
using Gadget.Runtime;
using static Gadget.Tests.Gadgets.NetworkRecords;
using static Gadget.Tests.RecordBuilder;

namespace Gadget.Tests.Gadgets;

/// <summary>snapshot process and socket rows through the real sinks and the default sort: the
/// reference's JSON fields, columns and order.</summary>
public class SnapshotFormattingTests
{
    private static ContainerInfo Container(string name, ulong mntns, string pod = "") => new()
    {
        Id = "id-" + name,
        Name = name,
        Runtime = "containerd",
        MntnsId = mntns,
        PodName = pod,
        Namespace = pod.Length > 0 ? "igtest" : "",
        K8sContainerName = pod.Length > 0 ? name : "",
    };

    private sealed class Resolver(params ContainerInfo[] containers) : IContainerResolver
    {
        public ContainerInfo? Resolve(ulong mntnsId) => containers.FirstOrDefault(c => c.MntnsId == mntnsId);
    }

    private static ProcessRow Process(uint pid, uint tid, uint ppid, string comm, ulong mntns, uint uid = 1000) => new()
    {
        Header = Header(pid, comm, mntns) with { Tid = tid, Uid = uid, Gid = uid + 1 },
        Ppid = ppid,
    };

    private static string[] Render(GadgetDefinition gadget, Frame frame, string format, params (string Key, string Value)[] parameters)
    {
        var values = new ParameterValues(gadget.Parameters, parameters.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));
        frame.Sort(((SortableGadget)gadget).SortOrder(values));
        var output = new MemoryStream();
        var sink = OutputFormat.Parse(format).CreateSink(output, TextWriter.Null);
        sink.Start(new SinkStart(gadget, values, [.. CommonFields.PlacementColumns(pods: false), .. gadget.DefaultColumns(values)]));
        sink.Frame(frame);
        return Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void Process_rows_have_the_reference_fields_in_json_with_root_ids_kept()
    {
        var web = Container("web", 4026532001);
        var frame = new Frame(new Resolver(web), 0);
        frame.Add(Process(4242, 4242, 4200, "nginx", web.MntnsId, uid: 0));

        var row = JsonDocument.Parse(Render(new ProcessGadget(), frame, "json").Single()).RootElement.EnumerateArray().Single();

        Assert.Equal("nginx", row.GetProperty("comm").GetString());
        Assert.Equal((4242, 4242, 4200), (row.GetProperty("pid").GetInt32(), row.GetProperty("tid").GetInt32(), row.GetProperty("ppid").GetInt32()));
        Assert.Equal((0, 1), (row.GetProperty("uid").GetInt32(), row.GetProperty("gid").GetInt32()));
        Assert.Equal(4026532001, row.GetProperty("mountnsid").GetInt64());
        Assert.Equal("web", row.GetProperty("runtime").GetProperty("containerName").GetString());
        Assert.Equal("normal", row.GetProperty("type").GetString());
    }

    [Fact]
    public void Processes_sort_by_pod_and_container_then_name_pid_and_thread_and_tid_shows_with_threads()
    {
        var b = Container("b", 2, pod: "shop");
        var a = Container("a", 1, pod: "shop");
        var frame = new Frame(new Resolver(a, b), 0);
        frame.Add(Process(30, 30, 1, "sh", b.MntnsId));
        frame.Add(Process(21, 22, 1, "worker", a.MntnsId));
        frame.Add(Process(21, 21, 1, "sleep", a.MntnsId));
        frame.Add(Process(20, 20, 1, "sleep", a.MntnsId));
        frame.Add(Process(10, 10, 0, "init", 9));

        var lines = Render(new ProcessGadget(), frame, "columns", (ProcessGadget.Threads, "true"));

        Assert.Matches(@"^CONTAINER\s+COMM\s+PID\s+TID\s+UID\s+GID\s+PPID$", lines[0]);
        Assert.Matches(@"^\s+init\s+10\s+10\s+1000\s+1001\s+0$", lines[1]); // the host first: no pod
        Assert.Matches(@"^a\s+sleep\s+20\s+20\s", lines[2]);
        Assert.Matches(@"^a\s+sleep\s+21\s+21\s", lines[3]);
        Assert.Matches(@"^a\s+worker\s+21\s+22\s", lines[4]);
        Assert.Matches(@"^b\s+sh\s+30\s+30\s", lines[5]);
        Assert.Matches(@"^CONTAINER\s+COMM\s+PID\s+UID\s+GID\s+PPID$", Render(new ProcessGadget(), new Frame(null, 0), "columns").Single());
    }

    private static SocketRow Socket(string protocol, string src, ushort sport, string dst, ushort dport, byte state, ulong inode = 0)
    {
        var proto = protocol == "TCP" ? SocketStates.IpprotoTcp : SocketStates.IpprotoUdp;
        var entry = new SocketEntry
        {
            Src = Endpoint(src, sport) with { Proto = proto },
            Dst = Endpoint(dst, dport) with { Proto = proto },
            State = state,
            Inode = inode,
        };
        return SocketRow.From(entry, 4026532100, 1_000_000_000);
    }

    [Fact]
    public void Socket_rows_have_the_reference_fields_in_json()
    {
        var frame = new Frame(null, 0);
        frame.Add(Socket("TCP", "::1", 8080, "::", 0, 10, inode: 5150), Container("web", 1));

        var row = JsonDocument.Parse(Render(new SocketGadget(), frame, "json").Single()).RootElement.EnumerateArray().Single();

        Assert.Equal("TCP", row.GetProperty("protocol").GetString());
        Assert.Equal("LISTEN", row.GetProperty("status").GetString());
        Assert.Equal(5150, row.GetProperty("inodeNumber").GetInt64());
        Assert.Equal(4026532100, row.GetProperty("netnsid").GetInt64());
        Assert.Equal(("::1", 6, 8080), (row.GetProperty("src").GetProperty("addr").GetString(), row.GetProperty("src").GetProperty("version").GetInt32(), row.GetProperty("src").GetProperty("port").GetInt32()));
        Assert.Equal(("::", 0), (row.GetProperty("dst").GetProperty("addr").GetString(), row.GetProperty("dst").GetProperty("port").GetInt32()));
        Assert.Equal("web", row.GetProperty("runtime").GetProperty("containerName").GetString());
        Assert.False(row.TryGetProperty("mountnsid", out _));
        Assert.False(row.TryGetProperty("pid", out _));
    }

    [Fact]
    public void Sockets_sort_by_protocol_status_then_addresses_as_numbers_and_extend_adds_the_inode()
    {
        var frame = new Frame(null, 0);
        frame.Add(Socket("UDP", "10.0.0.2", 53, "0.0.0.0", 0, 7, inode: 9));
        frame.Add(Socket("TCP", "10.0.0.10", 80, "0.0.0.0", 0, 10, inode: 8));
        frame.Add(Socket("TCP", "10.0.0.2", 80, "0.0.0.0", 0, 10, inode: 7));
        frame.Add(Socket("TCP", "10.0.0.2", 80, "10.0.0.3", 41000, 1, inode: 6));
        frame.Add(Socket("TCP", "10.0.0.2", 80, "10.0.0.3", 9000, 1, inode: 5));
        frame.Add(Socket("TCP", "10.0.0.2", 80, "10.0.0.3", 9000, 6));
        frame.Add(Socket("UDP", "10.0.0.2", 5353, "10.0.0.9", 53, 1, inode: 4));

        var lines = Render(new SocketGadget(), frame, "columns", (SocketGadget.Extend, "true"));

        Assert.Matches(@"^CONTAINER\s+PROTOCOL\s+SRC\s+DST\s+STATUS\s+INODE$", lines[0]);
        Assert.Equal(
        [
            "TCP 10.0.0.2:80 10.0.0.3:9000 ESTABLISHED 5",
            "TCP 10.0.0.2:80 10.0.0.3:41000 ESTABLISHED 6",
            "TCP 10.0.0.2:80 0.0.0.0:0 LISTEN 7",
            "TCP 10.0.0.10:80 0.0.0.0:0 LISTEN 8",
            "TCP 10.0.0.2:80 10.0.0.3:9000 TIME_WAIT 0",
            "UDP 10.0.0.2:5353 10.0.0.9:53 ACTIVE 4",
            "UDP 10.0.0.2:53 0.0.0.0:0 INACTIVE 9",
        ], lines[1..].Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))));
        Assert.Matches(@"^CONTAINER\s+PROTOCOL\s+SRC\s+DST\s+STATUS$", Render(new SocketGadget(), new Frame(null, 0), "columns").Single());
    }

    [Fact]
    public void A_protocol_other_than_all_tcp_or_udp_is_refused()
    {
        var gadget = new SocketGadget();

        var e = Assert.Throws<GadgetException>(() => new ParameterValues(gadget.Parameters, [new(SocketGadget.Proto, "sctp")]));

        Assert.Equal("invalid value \"sctp\" for --proto: expected all, tcp, udp", e.Message);
    }
}
