using Gadget.Containers;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>A mount-namespace filter that allows a fixed set, as -c would for running containers.</summary>
internal sealed class FixedMountNamespaces(params ulong[] allowed) : IMountNamespaceFilter
{
    public IReadOnlyCollection<ulong> Current => allowed;

    public IDisposable Subscribe(Action<ulong, bool> changed) => new Unsubscribe();

    private sealed class Unsubscribe : IDisposable
    {
        public void Dispose() { }
    }
}
