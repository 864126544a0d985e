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

    /// <summary>A new empty directory (in /tmp, or under <paramref name="parent"/>), deleted
    /// with everything in it after the test.</summary>
    protected string OwnTempDirectory(string parent = "/tmp") => Own(new TempDirectory(parent)).Path;

    public void Dispose()
    {
        while (_owned.TryPop(out var item))
            item.Dispose();
        // Checked where it can be: without root, the tests that load programs were skipped.
        if (Gadget.Native.Privileges.IsRoot)
            KernelObjects.AssertNoneLoaded();
        GC.SuppressFinalize(this);
    }

    private sealed class TempDirectory(string parent) : IDisposable
    {
        public string Path { get; } = Paths.NewTempDirectory(parent);

        public void Dispose()
        {
            if (Directory.Exists(Path))
                Directory.Delete(Path, recursive: true);
        }
    }
}
