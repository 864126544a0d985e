namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>A test class that owns what its tests start (namespaces, servers, sessions, pods):
/// disposed last-first after each test, also on failure, and then nothing of ours may be left
/// in the kernel.</summary>
public abstract class OwningTest : IDisposable
{
    private readonly Stack<IDisposable> _owned = new();

    /// <summary>Disposes <paramref name="item"/> after the test, before what was owned earlier.</summary>
    protected T Own<T>(T item) where T : IDisposable
    {
        _owned.Push(item);
        return item;
    }

    public void Dispose()
    {
        while (_owned.TryPop(out var item))
            item.Dispose();
        KernelObjects.AssertNoneLoaded();
        GC.SuppressFinalize(this);
    }
}
