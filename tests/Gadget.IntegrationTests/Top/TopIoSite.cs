using System.Globalization;
using System.Text.Json;
using Gadget.Containers;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Top;

/// <summary>A container of one runtime (Docker, containerd's own `ctr`, a CRI pod) with the topio
/// helper copied into its root under a name of its own, so its processes are found on the host
/// by their command name and the container's mount namespace. Removed on dispose.</summary>
internal abstract class TopIoSite : IDisposable
{
    private TopIoSite(string kind, int initPid)
    {
        Kind = kind;
        HelperName = Paths.UniqueName("tio");
        MountNamespace = PodNetwork.NamespaceOf(initPid, "mnt");
        NetworkNamespace = PodNetwork.NetnsOf(initPid);
        Root = $"/proc/{initPid}/root";
        // Into the container's own file system, through its init's root: every runtime alike.
        var copy = Path.Combine(Root, "tmp", HelperName);
        File.Copy(Helpers.TopIo, copy);
        File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserExecute);
    }

    public string Kind { get; }

    /// <summary>The helper's file name in the container's /tmp: the command name of its processes.</summary>
    public string HelperName { get; }

    public ulong MountNamespace { get; }

    public ulong NetworkNamespace { get; }

    /// <summary>The container's root as the host reaches it (/proc/INIT/root).</summary>
    public string Root { get; }

    /// <summary>Selects this container and nothing else.</summary>
    public abstract ContainerSelector Selector { get; }

    public static TopIoSite Start(string kind) => kind switch
    {
        "docker" => new DockerTopIoSite(),
        "ctr" => new CtrTopIoSite(),
        "cri" => new PodTopIoSite(),
        _ => throw new ArgumentException($"no site {kind}", nameof(kind)),
    };

    /// <summary>Runs the helper in the container and returns what it printed after its "ns" line.</summary>
    public List<HelperLine> Run(params string[] args)
    {
        var output = Exec(["/tmp/" + HelperName, .. args]);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(HelperLine.Parse).ToList();
        if (lines.Count < 2 || lines[0].Verb != "ns" || lines[0].ULong("mnt") != MountNamespace)
            throw new InvalidOperationException($"topio {string.Join(' ', args)} in the {Kind} container printed: {output}");
        return lines[1..];
    }

    /// <summary>Starts the helper in the background (gates hold it, see topio.c).</summary>
    public TopIoRun Start(params string[] args) => new(Task.Run(() => Run(args)));

    /// <summary>The host pids of the helper's processes in the container now.</summary>
    public IReadOnlyList<int> HelperPids()
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).TrimEnd('\n') == HelperName && PodNetwork.NamespaceOf(pid, "mnt") == MountNamespace)
                    pids.Add(pid);
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
            }
            catch (InvalidOperationException)
            {
            }
        }
        return pids;
    }

    /// <summary>A gate file in the container's /tmp: its path inside, and where the host creates it.</summary>
    public (string Inside, string OnHost) Gate(string name) => ("/tmp/" + name, Path.Combine(Root, "tmp", name));

    /// <summary>The row belongs to this container: runtime, ids, names, mount namespace.</summary>
    public abstract void AssertAttributed(JsonElement row, RunningGadget session);

    protected abstract string Exec(string[] command);

    public abstract void Dispose();

    /// <summary>The container's record as discovery knows it, by its runtime's id.</summary>
    protected static ContainerInfo Discovered(RunningGadget session, string id) =>
        session.Containers!.FindById(id) ?? throw new InvalidOperationException($"container {id} was not discovered");

    private sealed class DockerTopIoSite : TopIoSite
    {
        private readonly DockerContainer _container;

        public DockerTopIoSite() : this(DockerContainer.Run(dockerOptions:
            // Loopback only; Docker turns IPv6 off in containers unless told otherwise.
            ["--network=none", "--sysctl", "net.ipv6.conf.all.disable_ipv6=0", "--sysctl", "net.ipv6.conf.lo.disable_ipv6=0"]))
        {
        }

        private DockerTopIoSite(DockerContainer container) : base("docker", container.Pid) => _container = container;

        public override ContainerSelector Selector => new() { ContainerName = _container.Name };

        public override void AssertAttributed(JsonElement row, RunningGadget session)
        {
            Assert.Equal("docker", row.Str("runtime", "runtimeName"));
            Assert.Equal(_container.Name, row.Str("runtime", "containerName"));
            Assert.Equal(Discovered(session, _container.Id).Id, row.Str("runtime", "containerId"));
            Assert.Equal(MountNamespace, (ulong)row.Num("mountnsid"));
            Assert.False(row.TryGetProperty("k8s", out var k8s) && k8s.TryGetProperty("podName", out _));
        }

        protected override string Exec(string[] command) => Shell.Run("docker", ["exec", _container.Name, .. command]);

        public override void Dispose() => _container.Dispose();
    }

    private sealed class CtrTopIoSite : TopIoSite
    {
        private readonly CtrContainer _container;

        public CtrTopIoSite() : this(CtrContainer.Run())
        {
        }

        private CtrTopIoSite(CtrContainer container) : base("ctr", container.Pid) => _container = container;

        public override ContainerSelector Selector => new() { ContainerName = _container.Id };

        public override void AssertAttributed(JsonElement row, RunningGadget session)
        {
            Assert.Equal("containerd", row.Str("runtime", "runtimeName"));
            Assert.Equal(_container.Id, row.Str("runtime", "containerId"));
            Assert.Equal(Discovered(session, _container.Id).Name, row.Str("runtime", "containerName"));
            Assert.Equal(MountNamespace, (ulong)row.Num("mountnsid"));
            Assert.False(row.TryGetProperty("k8s", out var k8s) && k8s.TryGetProperty("podName", out _));
        }

        protected override string Exec(string[] command) => _container.Exec(command);

        public override void Dispose() => _container.Dispose();
    }

    private sealed class PodTopIoSite : TopIoSite
    {
        private const string ContainerName = "app";
        private readonly CriPod _pod;

        public PodTopIoSite() : this(StartPod())
        {
        }

        private PodTopIoSite(CriPod pod) : base("cri", pod.ContainerPid(ContainerName)) => _pod = pod;

        private static CriPod StartPod()
        {
            var pod = CriPod.Run();
            try
            {
                pod.StartContainer(ContainerName);
                return pod;
            }
            catch
            {
                pod.Dispose();
                throw;
            }
        }

        public override ContainerSelector Selector => new() { PodName = _pod.Name };

        public override void AssertAttributed(JsonElement row, RunningGadget session)
        {
            Assert.Equal("containerd", row.Str("runtime", "runtimeName"));
            Assert.Equal(_pod.ContainerId(ContainerName), row.Str("runtime", "containerId"));
            Assert.Equal(_pod.Namespace, row.Str("k8s", "namespace"));
            Assert.Equal(_pod.Name, row.Str("k8s", "podName"));
            Assert.Equal(ContainerName, row.Str("k8s", "containerName"));
            Assert.Equal(MountNamespace, (ulong)row.Num("mountnsid"));
        }

        protected override string Exec(string[] command)
        {
            var result = _pod.TryExec(ContainerName, command);
            if (result.ExitCode != 0)
                throw new InvalidOperationException($"{string.Join(' ', command)} in pod {_pod.Name} exited with {result.ExitCode}: {result.Stderr}");
            return result.Stdout;
        }

        public override void Dispose() => _pod.Dispose();
    }
}

/// <summary>The helper running in the background: done when it exits, with what it printed.</summary>
internal sealed class TopIoRun(Task<List<HelperLine>> run)
{
    public bool IsCompleted => run.IsCompleted;

    /// <summary>Waits for the helper to exit and returns its lines after "ns" (or throws what failed).</summary>
    public List<HelperLine> Lines()
    {
        if (!run.Wait(TimeSpan.FromSeconds(60)))
            throw new TimeoutException("topio did not exit");
        return run.Result;
    }
}
