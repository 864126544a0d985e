using System.Globalization;
using System.Text.Json;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>What the network gadgets' pod tests share: the helpers' directory as a pod mount, the
/// sockets helper run inside a pod container, a pod's network namespace read on the host, and
/// the assertion that an event belongs to one container of one pod.</summary>
internal static class PodNetwork
{
    /// <summary>The static helpers' directory, mounted at /host in pod containers.</summary>
    public static CriContainerOptions WithHelpers { get; } = new() { Mounts = [(Path.GetDirectoryName(Helpers.Sockets)!, "/host")] };

    /// <summary>Runs the sockets helper in a pod container (CRI exec) and returns its lines after "ns".</summary>
    public static List<HelperLine> Sockets(CriPod pod, string container, params string[] args)
    {
        var output = pod.Exec(container, ["/host/sockets", .. args]);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(HelperLine.Parse).ToList();
        if (lines.Count < 2 || lines[0].Verb != "ns")
            throw new InvalidOperationException($"sockets {string.Join(' ', args)} in {pod.Name}/{container} printed: {output}");
        return lines[1..];
    }

    /// <summary>A namespace of a process ("net", "mnt"), as the host sees it (/proc/PID/ns/KIND).</summary>
    public static ulong NamespaceOf(int pid, string kind)
    {
        var link = new FileInfo($"/proc/{pid}/ns/{kind}").LinkTarget ?? throw new InvalidOperationException($"no {kind} namespace for pid {pid}");
        return ulong.Parse(link.AsSpan()[(kind.Length + 2)..^1], CultureInfo.InvariantCulture);
    }

    /// <summary>The network namespace of a process, as the host sees it (/proc/PID/ns/net).</summary>
    public static ulong NetnsOf(int pid) => NamespaceOf(pid, "net");

    /// <summary>The network namespace of a pod (that of one of its containers).</summary>
    public static ulong NetnsOf(CriPod pod, string container) => NetnsOf(pod.ContainerPid(container));

    /// <summary>Waits until something listens on 127.0.0.1:<paramref name="port"/> (TCP) in the
    /// network namespace of <paramref name="pid"/>.</summary>
    public static void WaitListening(int pid, int port)
    {
        var local = "0100007F:" + port.ToString("X4", CultureInfo.InvariantCulture);
        Poll.Until(() => File.ReadLines($"/proc/{pid}/net/tcp").Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(f => f[1] == local && f[3] == "0A"), $"a listener on 127.0.0.1:{port} in the namespace of pid {pid}");
    }

    /// <summary>The event comes from <paramref name="container"/> of <paramref name="pod"/>: CRI
    /// runtime and ids, Kubernetes names, the container's mount namespace and the pod's network one.</summary>
    public static void AssertInPod(JsonElement e, CriPod pod, string container, RunningGadget session)
    {
        Assert.Equal("containerd", e.Str("runtime", "runtimeName"));
        Assert.Equal(pod.ContainerId(container), e.Str("runtime", "containerId"));
        Assert.Equal(pod.Namespace, e.Str("k8s", "namespace"));
        Assert.Equal(pod.Name, e.Str("k8s", "podName"));
        Assert.Equal(container, e.Str("k8s", "containerName"));
        var info = session.Containers!.FindById(pod.ContainerId(container)) ?? throw new InvalidOperationException($"{pod.Name}/{container} was not discovered");
        Assert.Equal(info.MntnsId, (ulong)e.Num("mountnsid"));
        // Also from the kernel's side: processes exec'd in a container join its init's mount namespace.
        Assert.Equal(NamespaceOf(pod.ContainerPid(container), "mnt"), (ulong)e.Num("mountnsid"));
        Assert.Equal(NetnsOf(pod, container), (ulong)e.Num("netnsid"));
    }
}
