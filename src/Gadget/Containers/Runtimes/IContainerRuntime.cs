namespace Gadget.Containers.Runtimes;

/// <summary>A source of containers: lists those running, and follows starts and stops.</summary>
internal interface IContainerRuntime : IDisposable
{
    /// <summary>"docker", "containerd", ...: what -r/--runtimes names.</summary>
    string Name { get; }

    /// <summary>Where it listens, for messages.</summary>
    string Endpoint { get; }

    /// <summary>Which of the runtime's APIs this is ("CRI", "native"), when it has several; else "".</summary>
    string Api => "";

    /// <summary>Running containers now. Throws <see cref="RuntimeUnavailableException"/> when the runtime cannot be reached.</summary>
    Task<IReadOnlyList<ContainerInfo>> ListAsync(CancellationToken cancellation);

    /// <summary>Follows the runtime's events until cancelled, adding and removing containers.</summary>
    Task WatchAsync(ContainerCollection collection, CancellationToken cancellation);

    /// <summary>What the runtime knows of one container (to enrich an early sighting), or null.</summary>
    Task<ContainerInfo?> InspectAsync(string id, CancellationToken cancellation);
}

/// <summary>The runtime's socket is missing or refuses: it is skipped with a warning.</summary>
internal sealed class RuntimeUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
