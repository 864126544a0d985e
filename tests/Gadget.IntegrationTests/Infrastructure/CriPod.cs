using Gadget.Containers.Cri.V1;
using Gadget.Containers.Runtimes;
using Grpc.Net.Client;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>A real pod made through containerd's CRI API, as a kubelet would make it:
/// a sandbox with labels, then containers in it. Stopped and removed on dispose.
/// (No API server can run here; the kubelet's role is played by this class.)</summary>
internal sealed class CriPod : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly RuntimeService.RuntimeServiceClient _client;
    private readonly Dictionary<string, string> _containers = new();
    private readonly PodSandboxConfig _config;

    private CriPod(string name, string ns, IReadOnlyDictionary<string, string> labels, bool hostNetwork)
    {
        Name = name;
        Namespace = ns;
        _channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = UnixSocketHttp.Handler("/run/containerd/containerd.sock") });
        _client = new RuntimeService.RuntimeServiceClient(_channel);
        var uid = Guid.NewGuid().ToString();
        _config = new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = name, Namespace = ns, Uid = uid },
            // A host-network pod has the node's UTS namespace: runc refuses to set a hostname there.
            Hostname = hostNetwork ? "" : name,
            LogDirectory = Path.Combine("/tmp", "igt-pod-logs", uid),
            Linux = new LinuxPodSandboxConfig
            {
                SecurityContext = new LinuxSandboxSecurityContext
                {
                    NamespaceOptions = new NamespaceOption { Network = hostNetwork ? NamespaceMode.Node : NamespaceMode.Pod },
                },
            },
        };
        foreach (var (key, value) in labels)
            _config.Labels[key] = value;
        _config.Labels["io.kubernetes.pod.name"] = name;
        _config.Labels["io.kubernetes.pod.namespace"] = ns;
        _config.Labels["io.kubernetes.pod.uid"] = uid;
        Directory.CreateDirectory(_config.LogDirectory);
        SandboxId = _client.RunPodSandbox(new RunPodSandboxRequest { Config = _config }).PodSandboxId;
    }

    public string Name { get; }

    public string Namespace { get; }

    public string SandboxId { get; }

    public string Uid => _config.Metadata.Uid;

    public static CriPod Run(string? name = null, string ns = "igtest", IReadOnlyDictionary<string, string>? labels = null, bool hostNetwork = false) =>
        new(name ?? Paths.UniqueName("igt-pod"), ns, labels ?? new Dictionary<string, string>(), hostNetwork);

    /// <summary>Creates and starts a container of the pod; returns its id.</summary>
    public string StartContainer(string name, params string[] command) => StartContainer(name, new CriContainerOptions(), command);

    /// <summary>Creates and starts a container with host directories mounted, a memory limit
    /// or extra capabilities; returns its id.</summary>
    public string StartContainer(string name, CriContainerOptions options, params string[] command)
    {
        var config = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = name },
            Image = new ImageSpec { Image = TestImages.Busybox },
            LogPath = name + ".log",
            Linux = new LinuxContainerConfig
            {
                Resources = new LinuxContainerResources { MemoryLimitInBytes = options.MemoryLimitBytes },
                // A pid namespace of its own, as the kubelet asks unless the pod shares one
                // (shareProcessNamespace): the command is pid 1, not the pause process.
                SecurityContext = new LinuxContainerSecurityContext { NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Container } },
            },
        };
        foreach (var (hostPath, containerPath) in options.Mounts)
            config.Mounts.Add(new Mount { HostPath = hostPath, ContainerPath = containerPath });
        if (options.AddCapabilities.Count > 0 || options.DropCapabilities.Count > 0)
            config.Linux.SecurityContext.Capabilities = new Capability { AddCapabilities = { options.AddCapabilities }, DropCapabilities = { options.DropCapabilities } };
        config.Command.AddRange(command.Length > 0 ? command : ["sleep", "600"]);
        config.Labels["io.kubernetes.container.name"] = name;
        config.Labels["io.kubernetes.pod.name"] = Name;
        config.Labels["io.kubernetes.pod.namespace"] = Namespace;
        var id = _client.CreateContainer(new CreateContainerRequest { PodSandboxId = SandboxId, Config = config, SandboxConfig = _config }).ContainerId;
        _client.StartContainer(new StartContainerRequest { ContainerId = id });
        _containers[name] = id;
        return id;
    }

    /// <summary>Runs a command in one of the pod's containers and waits for it.</summary>
    public string Exec(string container, params string[] command) => TryExec(container, command).Stdout;

    /// <summary>Runs a command in one of the pod's containers and waits for it; with its exit
    /// code (128 + n when a signal killed it) and both outputs.</summary>
    public CriExecResult TryExec(string container, params string[] command)
    {
        var request = new ExecSyncRequest { ContainerId = _containers[container], Timeout = 30 };
        request.Cmd.AddRange(command);
        var response = _client.ExecSync(request);
        return new CriExecResult(response.ExitCode, response.Stdout.ToStringUtf8(), response.Stderr.ToStringUtf8());
    }

    public string ContainerId(string name) => _containers[name];

    /// <summary>Stops and removes one container of the pod, as a kubelet does when it goes away.</summary>
    public void StopContainer(string name)
    {
        _client.StopContainer(new StopContainerRequest { ContainerId = _containers[name], Timeout = 0 });
        _client.RemoveContainer(new RemoveContainerRequest { ContainerId = _containers[name] });
        _containers.Remove(name);
    }

    /// <summary>The host pid of a container's init process (from the CRI verbose status).</summary>
    public int ContainerPid(string name)
    {
        var status = _client.ContainerStatus(new ContainerStatusRequest { ContainerId = _containers[name], Verbose = true });
        using var info = System.Text.Json.JsonDocument.Parse(status.Info["info"]);
        return info.RootElement.GetProperty("pid").GetInt32();
    }

    public void Dispose()
    {
        try
        {
            _client.StopPodSandbox(new StopPodSandboxRequest { PodSandboxId = SandboxId });
            _client.RemovePodSandbox(new RemovePodSandboxRequest { PodSandboxId = SandboxId });
        }
        finally
        {
            _channel.Dispose();
            Directory.Delete(_config.LogDirectory, recursive: true);
        }
    }
}

/// <summary>Extras for a pod container: host directories (read-write), a memory limit (0: none),
/// capabilities to add (e.g. "SYS_ADMIN") or to drop (e.g. "CHOWN").</summary>
internal sealed record CriContainerOptions
{
    public IReadOnlyList<(string HostPath, string ContainerPath)> Mounts { get; init; } = [];
    public long MemoryLimitBytes { get; init; }
    public IReadOnlyList<string> AddCapabilities { get; init; } = [];
    public IReadOnlyList<string> DropCapabilities { get; init; } = [];
}

/// <summary>What a command run in a pod container (CRI ExecSync) returned.</summary>
internal sealed record CriExecResult(int ExitCode, string Stdout, string Stderr);
