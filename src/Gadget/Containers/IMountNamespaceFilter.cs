namespace Gadget.Containers;

/// <summary>The mount namespaces a run should see, and their changes while it runs; the
/// runner mirrors them into the kernel's filter map.</summary>
public interface IMountNamespaceFilter
{
    /// <summary>The namespaces to allow now.</summary>
    IReadOnlyCollection<ulong> Current { get; }

    /// <summary>Subscribes to additions (true) and removals (false); dispose to stop.</summary>
    IDisposable Subscribe(Action<ulong, bool> changed);
}

/// <summary>The mount namespaces of the containers that a selector matches, following the collection.</summary>
public sealed class ContainerMountNamespaceFilter : IMountNamespaceFilter
{
    private readonly ContainerCollection _collection;
    private readonly ContainerSelector _selector;

    public ContainerMountNamespaceFilter(ContainerCollection collection, ContainerSelector selector)
    {
        _collection = collection;
        _selector = selector;
    }

    public IReadOnlyCollection<ulong> Current =>
        _collection.Snapshot().Where(_selector.Matches).Select(c => c.MntnsId).ToList();

    public IDisposable Subscribe(Action<ulong, bool> changed)
    {
        void OnChanged(ContainerInfo container, bool added)
        {
            if (_selector.Matches(container))
                changed(container.MntnsId, added);
        }

        // Enrichment can make a container match later (its pod labels arrive after it started).
        void OnUpdated(ContainerInfo container)
        {
            if (_selector.Matches(container))
                changed(container.MntnsId, true);
        }

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
