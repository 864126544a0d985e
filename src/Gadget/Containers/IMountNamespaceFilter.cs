namespace Gadget.Containers;

/// <summary>The mount namespaces a run should see, or should not see, and their changes while
/// it runs; the runner mirrors them into the kernel's filter map.</summary>
public interface IMountNamespaceFilter
{
    /// <summary>The namespaces listed are those to leave out; every other one is seen.</summary>
    bool Excludes => false;

    /// <summary>The namespaces to list now.</summary>
    IReadOnlyCollection<ulong> Current { get; }

    /// <summary>Subscribes to additions to the list (true) and removals (false); dispose to stop.</summary>
    IDisposable Subscribe(Action<ulong, bool> changed);

    /// <summary>Whether an event of this container (null: of no known container) is wanted:
    /// for events the kernel kept without looking at the list (a new container's, see
    /// <see cref="NamespaceHold"/>). Not for the hot path.</summary>
    bool Passes(ulong mntns, ContainerInfo? container) => Current.Contains(mntns) != Excludes;
}

/// <summary>The mount namespaces of the containers that a selector matches, following the
/// collection; or, excluding, those of every container it does not match (so that processes in
/// no container, the host's, pass too: --host with a selection).</summary>
public sealed class ContainerMountNamespaceFilter : IMountNamespaceFilter
{
    private readonly ContainerCollection _collection;
    private readonly ContainerSelector _selector;

    public ContainerMountNamespaceFilter(ContainerCollection collection, ContainerSelector selector, bool excludes = false)
    {
        _collection = collection;
        _selector = selector;
        Excludes = excludes;
    }

    public bool Excludes { get; }

    private bool Listed(ContainerInfo container) => _selector.Matches(container) != Excludes;

    public IReadOnlyCollection<ulong> Current =>
        _collection.Snapshot().Where(Listed).Select(c => c.MntnsId).ToList();

    public bool Passes(ulong mntns, ContainerInfo? container) => container is null ? Excludes : Listed(container) != Excludes;

    public IDisposable Subscribe(Action<ulong, bool> changed)
    {
        void OnChanged(ContainerInfo container, bool added)
        {
            if (Listed(container))
                changed(container.MntnsId, added);
        }

        // Enrichment can make a container match later (its pod labels arrive after it started).
        void OnUpdated(ContainerInfo container) => changed(container.MntnsId, Listed(container));

        _collection.Changed += OnChanged;
        _collection.Updated += OnUpdated;
        return new Unsubscriber(() =>
        {
            _collection.Changed -= OnChanged;
            _collection.Updated -= OnUpdated;
        });
    }

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
