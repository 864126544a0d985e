namespace Gadget.Containers;

/// <summary>Where to look for containers.</summary>
public sealed record DiscoveryOptions
{
    public const string Docker = "docker";
    public const string Containerd = "containerd";

    /// <summary>The runtimes -r/--runtimes can name.</summary>
    public static IReadOnlyList<string> KnownRuntimes { get; } = [Docker, Containerd];

    /// <summary>Runtimes to ask; null for all known ones.</summary>
    public IReadOnlySet<string>? Runtimes { get; init; }

    public string DockerSocket { get; init; } = Gadget.Containers.Runtimes.Docker.DockerRuntime.DefaultSocket;

    public string ContainerdSocket { get; init; } = "/run/containerd/containerd.sock";

    /// <summary>Watch root's runc (in the kernel, holding nothing) so that a new container's first
    /// events are kept and attributed.</summary>
    public bool WatchRunc { get; init; } = true;

    /// <summary>Tests: the runc watcher's reading thread stops reading (a hung event loop).</summary>
    internal bool HangRuncWatchForTests { get; init; }

    /// <summary>How long the first listing of each runtime may take.</summary>
    public TimeSpan ListTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public bool Uses(string runtime) => Runtimes is null || Runtimes.Contains(runtime);
}
