using Gadget.Native;
using Gadget.Containers.Procfs;

namespace Gadget.Containers.Runtimes.Runc;

/// <summary>Sees containers as root's runc makes them, whatever runtime drives it, and never
/// makes runc wait. The kernel side (<see cref="RuncWatch"/>) reports each `runc` exec by root
/// with its arguments and lists each mount namespace runc makes, so that the gadgets keep its
/// events; on `runc start &lt;id&gt;` the container (created, its init process waiting) is read
/// from runc's state, which only root can have written, and registered in the collection — and
/// so in the kernel filters — and its namespace is settled (<see cref="NamespaceHold"/>): the
/// events held meanwhile are then attributed, or dropped if the selection does not want them.
/// Runtime events arrive later and only enrich.</summary>
internal sealed class RuncWatcher : IDisposable
{
    /// <summary>Where runc is installed on common distributions.</summary>
    private static readonly string[] Candidates =
        ["/usr/sbin/runc", "/usr/bin/runc", "/usr/local/sbin/runc", "/usr/local/bin/runc", "/usr/libexec/docker/docker-runc"];

    private static readonly TimeSpan EnrichBudget = TimeSpan.FromMilliseconds(700);
    // After a container's first exec, how long `runc start` may still take to register it
    // before its init process is looked at instead.
    private static readonly TimeSpan StartGrace = TimeSpan.FromMilliseconds(300);

    private readonly ContainerCollection _collection;
    private readonly Func<ContainerInfo, CancellationToken, Task<ContainerInfo>> _enrich;
    private readonly TextWriter? _verbose;
    private readonly CancellationTokenSource _stop = new();
    // Init pids and their namespaces, as the kernel saw them start (a container's first exec):
    // what a state's pid is worth even when that process is already gone.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, ulong> _started = new();
    // States read at `runc start` whose init process was gone before it could be looked at:
    // registered when the kernel's report of its start (which names its namespace) comes.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, (string Id, RuncState State)> _awaitingStart = new();
    private const int MaxStarted = 4096;
    private RuncWatch _watch = null!;
    private readonly RegistrationQueue _work;

    private RuncWatcher(ContainerCollection collection, Func<ContainerInfo, CancellationToken, Task<ContainerInfo>> enrich, TextWriter? verbose)
    {
        _collection = collection;
        _enrich = enrich;
        _verbose = verbose;
        _work = new RegistrationQueue(_stop.Token, e => verbose?.WriteLine($"ig: registering a new container failed: {e.Message}"));
    }

    /// <summary>The namespaces being made, for the gadgets' readers.</summary>
    public NamespaceHold Hold { get; private set; } = null!;

    /// <summary>Starts watching, or returns null (with a reason on the verbose writer) when
    /// no trusted runc is installed or the kernel refuses the programs.</summary>
    public static RuncWatcher? TryStart(ContainerCollection collection, Func<ContainerInfo, CancellationToken, Task<ContainerInfo>> enrich, TextWriter? verbose, bool hangForTests = false)
    {
        var binaries = new Dictionary<FileIdentity, string>();
        foreach (var path in Candidates.Where(File.Exists).Select(p => Path.GetFullPath(ResolveLinks(p))).Distinct())
        {
            if (TrustedFiles.TryIdentify(path, out var problem) is { } identity)
                binaries.TryAdd(identity, path);
            else
                verbose?.WriteLine($"ig: not watching {path}: {problem}");
        }
        if (binaries.Count == 0)
        {
            verbose?.WriteLine("ig: no runc binary found; containers are seen only through their runtimes' events");
            return null;
        }
        var watcher = new RuncWatcher(collection, enrich, verbose);
        try
        {
            watcher._watch = RuncWatch.Load(binaries.Keys, ProcNamespaces.HostMountNamespace, watcher.OnEvent);
        }
        catch (Exception e) when (e is LibbpfException or IOException)
        {
            verbose?.WriteLine($"ig: cannot watch runc ({e.Message}); containers are seen only through their runtimes' events");
            return null;
        }
        var watch = watcher._watch;
        watch.HangForTests = hangForTests;
        watcher.Hold = new NamespaceHold(watch.Marks.Read, watch.ListedNamespaces, watch.Forget, watch.IsListed) { SharedMap = watch.NewNamespaces };
        watcher.ListWaitingContainers();
        watch.StartReading();
        verbose?.WriteLine($"ig: watching {string.Join(", ", binaries.Values)} for new containers");
        return watcher;
    }

    private static string ResolveLinks(string path) =>
        File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;

    /// <summary>Containers created before ig started and not started yet (their init waits in
    /// `runc init`): their namespaces are listed as new, so that their first exec is kept too.</summary>
    private void ListWaitingContainers()
    {
        foreach (var (pid, mntns) in RuncInitProcesses.Waiting())
        {
            try
            {
                _watch.List(mntns, pid);
            }
            catch (LibbpfException)
            {
                continue;
            }
        }
        Hold.CatchUp();
    }

    private void OnEvent(RuncWatchEvent e)
    {
        switch (e.Kind)
        {
            case RuncWatchKind.MountNamespaceNew:
                Hold.CatchUp();
                break;
            case RuncWatchKind.MountNamespaceStart:
                Hold.CatchUp();
                if (_started.Count >= MaxStarted)
                    _started.Clear();
                _started[e.Pid] = e.MntnsId;
                if (_awaitingStart.TryRemove(e.Pid, out var awaiting))
                    _work.Add(() => Register(awaiting.Id, awaiting.State));
                else
                    _work.Add(() => SettleAfterStart(e.Pid, e.MntnsId), StartGrace);
                break;
            case RuncWatchKind.RuncExec:
                // Registered off this thread: the reports behind this one must keep flowing.
                if (RuncCommand.TryParse(e.Arguments) is { Subcommand: "start", ContainerId.Length: > 0 } command)
                    _work.Add(() => RegisterStarting(command));
                break;
        }
    }

    /// <summary>`runc start &lt;id&gt;` by root: the container, from runc's state.</summary>
    private void RegisterStarting(RuncCommand command)
    {
        try
        {
            if (RuncState.TryRead(command.Root, command.ContainerId, out var problem) is not { } state)
            {
                _verbose?.WriteLine($"ig: runc start {command.ContainerId}: {problem}");
                return;
            }
            Register(command.ContainerId, state);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _verbose?.WriteLine($"ig: runc start {command.ContainerId}: {e.Message}");
        }
    }

    private void Register(string id, RuncState state)
    {
        // The kernel saw this pid start in a namespace root's runc made; otherwise the live
        // process must show it belongs to this container.
        if (!_started.TryGetValue(state.InitPid, out var mntns))
        {
            if (!ProcNamespaces.TryGetMountNamespace(state.InitPid, out mntns))
            {
                if (_awaitingStart.Count >= MaxStarted)
                    _awaitingStart.Clear();
                _awaitingStart[state.InitPid] = (id, state);
                // Its start may have been reported meanwhile.
                if (_started.ContainsKey(state.InitPid) && _awaitingStart.TryRemove(state.InitPid, out _))
                    Register(id, state);
                return;
            }
            if (!InitBelongsTo(id, state.InitPid, out var why))
            {
                _verbose?.WriteLine($"ig: runc state of {id} names pid {state.InitPid}, {why}; ignored");
                return;
            }
        }
        if (Describe(id, state, mntns) is { } container)
        {
            try
            {
                using var budget = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                budget.CancelAfter(EnrichBudget);
                container = _enrich(container, budget.Token).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or RuntimeUnavailableException or HttpRequestException or Grpc.Core.RpcException)
            {
                // Register what is known; the runtime's own events will complete it.
            }
            _collection.AddOrUpdate(container);
            _verbose?.WriteLine($"ig: container {container} is starting (pid {container.Pid}, mntns {container.MntnsId})");
        }
        // A sandbox settles as no container.
        Hold.Settle(mntns);
        _started.TryRemove(state.InitPid, out _);
    }

    /// <summary>runc put the container's init in the container's cgroup before making its
    /// namespaces, and every runtime here names that cgroup after the container: a state
    /// that names another process (another container's init) is not believed. The process
    /// must also live in the host's user namespace, where no unprivileged user can make a
    /// mount namespace.</summary>
    internal static bool InitBelongsTo(string id, int pid, out string why)
    {
        why = "";
        if (!ProcNamespaces.IsInHostUserNamespace(pid))
        {
            why = "which is in another user namespace";
            return false;
        }
        var cgroup = CgroupFile.ReadPath(pid);
        if (cgroup is null || !cgroup.Contains(id, StringComparison.Ordinal))
        {
            why = $"whose cgroup ({cgroup ?? "unreadable"}) is not the container's";
            return false;
        }
        return true;
    }

    /// <summary>The container's first program runs: if `runc start` did not register it in
    /// time (a runc invoked another way, a root runc does not use), its init process is
    /// described from its cgroup and its containerd bundle.</summary>
    private void SettleAfterStart(int pid, ulong mntns)
    {
        if (!Hold.IsPending(mntns))
            return;
        if (_collection.Resolve(mntns) is null && CgroupFile.ReadPath(pid) is { } cgroup &&
            CgroupFile.TryParseContainer(cgroup, out _, out var id) && ContainerdBundle.TryFindState(id, pid) is { } state)
        {
            Register(id, state);
            return;
        }
        Hold.Settle(mntns);
    }

    /// <summary>A container from runc's state and the runtime's annotations; null for pod
    /// sandboxes (pause containers), which run nothing of interest. <paramref name="mntns"/>,
    /// when known, stands if the init process is gone already (a container that ran briefly).</summary>
    internal static ContainerInfo? Describe(string id, RuncState state, ulong mntns = 0)
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
        return ContainerProcess.Complete(container) ?? (mntns != 0 ? container with { MntnsId = mntns } : null);
    }

    public void Dispose()
    {
        // _stop is not disposed: a registration still running may link to its token.
        _stop.Cancel();
        _watch.Dispose();
        _work.Dispose();
    }
}
