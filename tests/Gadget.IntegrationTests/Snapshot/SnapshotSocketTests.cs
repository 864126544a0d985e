using System.Globalization;
using System.Net;
using System.Text.Json;
using Gadget.Containers;
using Gadget.Gadgets.Snapshot.Socket;
using Gadget.IntegrationTests.Infrastructure;
using static Gadget.IntegrationTests.Infrastructure.PodNetwork;

namespace Gadget.IntegrationTests.Snapshot;

/// <summary>snapshot socket against CRI pods, each in a network namespace of its own, with the
/// snapshot helper's listeners, connections and UDP sockets (IPv4 and IPv6) in them: the rows are
/// exactly what the kernel lists in /proc/PID/net for the pod's namespace (so none of the host's
/// or another pod's), with the state names, addresses and descriptor inodes, attributed as the
/// reference attributes them, sorted as it sorts them, and filtered by --proto.</summary>
public sealed class SnapshotSocketTests : OwningTest
{
    private const int Port = 7000;

    // The states the helper's sockets are in, as the reference names them (/proc/net shows numbers).
    private static readonly Dictionary<(string, int), string> StateNames = new()
    {
        [("TCP", 1)] = "ESTABLISHED",
        [("TCP", 10)] = "LISTEN",
        [("UDP", 1)] = "ACTIVE",
        [("UDP", 7)] = "INACTIVE",
    };

    /// <summary>A socket as the snapshot's JSON row or /proc shows it, for comparing the two.</summary>
    private sealed record Socket(string Protocol, string Src, string Dst, string Status, ulong Inode);

    private static string Endpoint(IPAddress address, int port) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";

    private static Socket FromRow(JsonElement row)
    {
        string Side(string name)
        {
            var e = row.GetProperty(name);
            var address = IPAddress.Parse(e.Str("addr")!);
            Assert.Equal(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 4 : 6, e.Num("version"));
            return Endpoint(address, (int)e.Num("port"));
        }
        return new Socket(row.Str("protocol")!, Side("src"), Side("dst"), row.Str("status")!, (ulong)row.Num("inodeNumber"));
    }

    /// <summary>The sockets of the namespace of <paramref name="pid"/>, from /proc, in the snapshot's order:
    /// protocol, status, then local and remote ends by IP version, address and port, then inode.</summary>
    private static List<Socket> Expected(int pid, string? protocol = null)
    {
        static byte[] Key(IPAddress address, int port) =>
        [
            (byte)(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 4 : 6),
            .. address.GetAddressBytes().Concat(new byte[16]).Take(16),
            (byte)(port >> 8), (byte)port,
        ];
        var comparer = Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b));
        return [.. ProcSocket.All(pid)
            .Where(s => protocol is null || s.Protocol == protocol)
            .OrderBy(s => s.Protocol, StringComparer.Ordinal)
            .ThenBy(s => StateNames[(s.Protocol, s.State)], StringComparer.Ordinal)
            .ThenBy(s => Key(s.LocalAddress, s.LocalPort), comparer)
            .ThenBy(s => Key(s.RemoteAddress, s.RemotePort), comparer)
            .ThenBy(s => s.Inode)
            .Select(s => new Socket(s.Protocol, Endpoint(s.LocalAddress, s.LocalPort), Endpoint(s.RemoteAddress, s.RemotePort), StateNames[(s.Protocol, s.State)], s.Inode))];
    }

    private static List<JsonElement> Snapshot(ContainerSelector selector, string proto = "all")
    {
        using var run = RunningGadget.StartWithContainers(new SocketGadget(), selector, (SocketGadget.Proto, proto));
        run.WaitForEnd();
        return [.. Assert.Single(run.Frames).EnumerateArray()];
    }

    /// <summary>A pod whose "server" container is the snapshot helper, with its nine sockets open.</summary>
    private CriPod StartPod(int port, params string[] otherContainers)
    {
        _ = Helpers.Snapshot;
        var pod = Own(CriPod.Run());
        pod.StartContainer("server", WithHelpers, "/host/snapshot", "sockets", port.ToString(CultureInfo.InvariantCulture));
        foreach (var name in otherContainers)
            pod.StartContainer(name, WithHelpers, "sleep", "600");
        var pid = pod.ContainerPid("server");
        Poll.Until(() => ProcSocket.InodesByFd(pid).Count == 9, "the helper's nine sockets");
        return pod;
    }

    [Fact]
    public void A_pods_sockets_are_listed_exactly_as_the_kernel_lists_them_and_belong_to_its_only_container()
    {
        Requires.Root();
        var pod = StartPod(Port);
        var other = StartPod(Port + 100);
        var pid = pod.ContainerPid("server");
        var netns = NetnsOf(pid);

        var rows = Snapshot(new ContainerSelector { PodName = pod.Name });

        Assert.Equal(Expected(pid), rows.Select(FromRow));
        // Every socket of the helper is there, by the inode of its descriptor.
        Assert.Equal(ProcSocket.InodesByFd(pid).Values.Order(), rows.Select(r => (ulong)r.Num("inodeNumber")).Where(i => i != 0).Order());
        Assert.Contains(rows.Select(FromRow), s => s is { Protocol: "TCP", Src: "[::1]:7001", Dst: "[::]:0", Status: "LISTEN" });
        Assert.Contains(rows.Select(FromRow), s => s is { Protocol: "UDP", Src: "127.0.0.1:7002", Dst: "0.0.0.0:0", Status: "INACTIVE" });
        Assert.Contains(rows.Select(FromRow), s => s is { Protocol: "UDP", Dst: "127.0.0.1:7002", Status: "ACTIVE" });
        Assert.Equal(4, rows.Count(r => r.Str("status") == "ESTABLISHED"));
        foreach (var row in rows)
        {
            Assert.Equal(netns, (ulong)row.Num("netnsid"));
            Assert.Equal(("containerd", pod.ContainerId("server"), "server"), (row.Str("runtime", "runtimeName"), row.Str("runtime", "containerId"), row.Str("k8s", "containerName")));
            Assert.Equal((pod.Namespace, pod.Name), (row.Str("k8s", "namespace"), row.Str("k8s", "podName")));
            Assert.False(row.TryGetProperty("mountnsid", out _), "a socket has no process, so no mount namespace");
        }
        // Nothing of the other pod, whose helper has the same kinds of sockets on other ports.
        var otherInodes = ProcSocket.All(other.ContainerPid("server")).Select(s => s.Inode).Where(i => i != 0).ToHashSet();
        Assert.DoesNotContain(rows, r => otherInodes.Contains((ulong)r.Num("inodeNumber")));
    }

    [Fact]
    public void Proto_keeps_one_protocol()
    {
        Requires.Root();
        var pod = StartPod(Port);
        var pid = pod.ContainerPid("server");

        var tcp = Snapshot(new ContainerSelector { PodName = pod.Name }, "tcp");
        var udp = Snapshot(new ContainerSelector { PodName = pod.Name }, "udp");

        Assert.Equal(Expected(pid, "TCP"), tcp.Select(FromRow));
        Assert.Equal(6, tcp.Count);
        Assert.Equal(Expected(pid, "UDP"), udp.Select(FromRow));
        Assert.Equal(3, udp.Count);
    }

    [Fact]
    public void A_namespace_the_pods_containers_share_is_listed_once_and_belongs_to_the_pod()
    {
        Requires.Root();
        var pod = StartPod(Port, "idle");
        var pid = pod.ContainerPid("server");
        Assert.Equal(NetnsOf(pid), NetnsOf(pod.ContainerPid("idle")));

        var rows = Snapshot(new ContainerSelector { PodName = pod.Name });

        Assert.Equal(Expected(pid), rows.Select(FromRow));
        foreach (var row in rows)
        {
            Assert.Equal((pod.Namespace, pod.Name, "containerd"), (row.Str("k8s", "namespace"), row.Str("k8s", "podName"), row.Str("runtime", "runtimeName")));
            Assert.Null(row.Str("k8s", "containerName"));
            Assert.Null(row.Str("runtime", "containerId"));
        }
    }

    [Fact]
    public void Without_host_the_hosts_sockets_stay_out_and_with_it_they_come_unattributed()
    {
        Requires.Root();
        var pod = StartPod(Port);
        // A listener of the host (this process's namespace), which only --host shows.
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        bool IsHostListener(JsonElement r) => r.Str("status") == "LISTEN" && r.GetProperty("src").Num("port") == port && r.GetProperty("src").Str("addr") == "127.0.0.1";

        var containers = Snapshot(new ContainerSelector());
        var withHost = Snapshot(new ContainerSelector { IncludeHost = true, PodName = pod.Name });

        Assert.DoesNotContain(containers, IsHostListener);
        Assert.Contains(containers, r => r.Str("k8s", "podName") == pod.Name);
        Assert.All(containers, r => Assert.NotEqual(NetworkNamespace.HostInode, (ulong)r.Num("netnsid")));
        var host = Assert.Single(withHost, IsHostListener);
        Assert.Equal(NetworkNamespace.HostInode, (ulong)host.Num("netnsid"));
        Assert.False(host.TryGetProperty("runtime", out var runtime) && runtime.Str("containerName") is not null);
        Assert.Equal(Expected(pod.ContainerPid("server")), withHost.Where(r => r.Str("k8s", "podName") == pod.Name).Select(FromRow));
    }
}
