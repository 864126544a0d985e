using Gadget.Native;
using Gadget.Containers.Procfs;

namespace Gadget.Containers.Runtimes.Runc;

/// <summary>Sees containers before their first process runs, whatever runtime made them:
/// every exec of runc is held (fanotify) and, for `runc start &lt;id&gt;`, the container
/// (created, its init process waiting) is registered in the collection — and so in the
/// kernel filter — before runc may start it. Runtime events arrive later and only enrich.</summary>
internal sealed class RuncWatcher : IDisposable
{
    /// <summary>Where runc is installed on common distributions.</summary>
    private static readonly string[] Candidates =
        ["/usr/sbin/runc", "/usr/bin/runc", "/usr/local/sbin/runc", "/usr/local/bin/runc", "/usr/libexec/docker/docker-runc"];

    private static readonly TimeSpan HoldBudget = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan EnrichBudget = TimeSpan.FromMilliseconds(700);

    private readonly ContainerCollection _collection;
    private readonly Func<ContainerInfo, CancellationToken, Task<ContainerInfo>> _enrich;
    private readonly TextWriter? _verbose;
    private ExecPermissionWatch? _watch;

    private RuncWatcher(ContainerCollection collection, Func<ContainerInfo, CancellationToken, Task<ContainerInfo>> enrich, TextWriter? verbose)
    {
        _collection = collection;
        _enrich = enrich;
        _verbose = verbose;
    }

    /// <summary>Starts watching, or returns null (with a reason on the verbose writer) when
    /// no runc is installed or fanotify is refused.</summary>
    public static RuncWatcher? TryStart(ContainerCollection collection, Func<ContainerInfo, CancellationToken, Task<ContainerInfo>> enrich, TextWriter? verbose)
    {
        var binaries = Candidates.Where(File.Exists).Select(p => Path.GetFullPath(ResolveLinks(p))).Distinct().ToList();
        if (binaries.Count == 0)
        {
            verbose?.WriteLine("ig: no runc binary found; containers are seen only through their runtimes' events");
            return null;
        }
        var watcher = new RuncWatcher(collection, enrich, verbose);
        try
        {
            watcher._watch = ExecPermissionWatch.Start(binaries, watcher.OnExec, HoldBudget);
        }
        catch (Exception e) when (e is LibbpfException or IOException)
        {
            verbose?.WriteLine($"ig: cannot watch runc ({e.Message}); containers are seen only through their runtimes' events");
            return null;
        }
        verbose?.WriteLine($"ig: watching {string.Join(", ", binaries)} for new containers");
        return watcher;
    }

    private static string ResolveLinks(string path) =>
        File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;

    private void OnExec(int pid)
    {
        if (PendingExec.TryReadArguments(pid) is not { } argv || RuncCommand.TryParse(argv) is not { Subcommand: "start" } command)
            return;
        if (command.ContainerId.Length == 0 || RuncState.TryRead(command.Root, command.ContainerId) is not { } state)
            return;
        if (Describe(command.ContainerId, state) is not { } container)
            return;
        try
        {
            using var budget = new CancellationTokenSource(EnrichBudget);
            container = _enrich(container, budget.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is OperationCanceledException or RuntimeUnavailableException or HttpRequestException or Grpc.Core.RpcException)
        {
            // Register what is known; the runtime's own events will complete it.
        }
        _collection.AddOrUpdate(container);
        _verbose?.WriteLine($"ig: container {container} is starting (pid {container.Pid}, mntns {container.MntnsId})");
    }

    /// <summary>A container from runc's state and the runtime's annotations; null for pod
    /// sandboxes (pause containers), which run nothing of interest.</summary>
    internal static ContainerInfo? Describe(string id, RuncState state)
    {
        var annotations = state.Annotations;
        string Annotation(string key) => annotations.TryGetValue(key, out var value) ? value : "";
        if (Annotation("io.kubernetes.cri.container-type") == "sandbox")
            return null;
        var ns = state.ContainerdNamespace;
        var isCri = Annotation("io.kubernetes.cri.container-type") == "container";
        var container = new ContainerInfo
        {
            Runtime = ns switch
            {
                "moby" => "docker",
                "" => "unknown",
                _ => "containerd",
            },
            Id = id,
            Name = isCri ? Annotation("io.kubernetes.cri.container-name") : id,
            ImageName = Annotation("io.kubernetes.cri.image-name"),
            Pid = state.InitPid,
            RuntimeNamespace = ns,
            PodName = Annotation("io.kubernetes.cri.sandbox-name"),
            Namespace = Annotation("io.kubernetes.cri.sandbox-namespace"),
            PodUid = Annotation("io.kubernetes.cri.sandbox-uid"),
            SandboxId = Annotation("io.kubernetes.cri.sandbox-id"),
            K8sContainerName = isCri ? Annotation("io.kubernetes.cri.container-name") : "",
        };
        return ContainerProcess.Complete(container);
    }

    public void Dispose() => _watch?.Dispose();
}
