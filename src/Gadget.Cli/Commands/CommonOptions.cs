using System.CommandLine;

namespace Gadget.Cli.Commands;

/// <summary>Options that every gadget command shares, defined once.</summary>
internal static class CommonOptions
{
    public static Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: columns (default), json, or columns=<col1>,<col2>,... (also custom-columns=...)",
        DefaultValueFactory = _ => "columns",
        HelpName = "format",
    };

    /// <summary>Read with <see cref="TimeoutOption.Value"/>.</summary>
    public static Option<TimeSpan> Timeout { get; } = TimeoutOption.Create();

    public static Option<string> RingSize { get; } = new("--ring-size")
    {
        Description = "Size of the kernel ring buffer for events (power of two; K and M suffixes allowed)",
        DefaultValueFactory = _ => "8M",
        HelpName = "bytes",
    };

    public static Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Print debug information (libbpf log, timings) on standard error",
        Recursive = true,
    };

    public static Option<string> ContainerName { get; } = new("--containername", "-c")
    {
        Description = "Show only data from containers with that name",
        HelpName = "name",
    };

    public static Option<string> PodName { get; } = new("--podname", "-p")
    {
        Description = "Show only data from pods with that name",
        HelpName = "name",
    };

    public static Option<string> Namespace { get; } = new("--namespace", "-n")
    {
        Description = "Show only data from pods in that Kubernetes namespace",
        HelpName = "namespace",
    };

    public static Option<bool> AllNamespaces { get; } = new("--all-namespaces", "-A")
    {
        Description = "Show data from pods in all namespaces (the default for ig)",
    };

    public static Option<string> Selector { get; } = new("--selector", "-l")
    {
        Description = "Labels selector to filter on, only '=' is supported (e.g. -l key1=value1,key2=value2)",
        HelpName = "labels",
    };

    public static Option<string> Runtimes { get; } = new("--runtimes", "-r")
    {
        Description = "Comma-separated list of container runtimes to use: docker, containerd (default: all)",
        HelpName = "runtimes",
    };

    public static Option<bool> Host { get; } = new("--host")
    {
        Description = "Show data from both the host and containers",
    };

    public static Option<string> DockerSocket { get; } = new("--docker-socketpath")
    {
        Description = "Docker Engine API Unix socket path",
        DefaultValueFactory = _ => new Gadget.Containers.DiscoveryOptions().DockerSocket,
        HelpName = "path",
    };

    public static Option<string> ContainerdSocket { get; } = new("--containerd-socketpath")
    {
        Description = "containerd CRI Unix socket path",
        DefaultValueFactory = _ => new Gadget.Containers.DiscoveryOptions().ContainerdSocket,
        HelpName = "path",
    };

    /// <summary>The options that choose containers, shared by gadgets and list-containers.</summary>
    public static IEnumerable<Option> ForContainers() =>
        [ContainerName, PodName, Namespace, AllNamespaces, Selector, Runtimes, Host, DockerSocket, ContainerdSocket];

    /// <summary>The options a gadget command gets besides its own parameters; only stream
    /// gadgets have a ring buffer to size.</summary>
    public static IEnumerable<Option> ForGadgets(Gadget.Gadgets.GadgetKind kind) =>
        kind == Gadget.Gadgets.GadgetKind.Stream ? [.. ForContainers(), Output, Timeout, RingSize] : [.. ForContainers(), Output, Timeout];
}
