using Gadget.Native;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>Preconditions of kernel tests. They skip only where they cannot run (not root);
/// ./test fails a run as root that skipped anything.</summary>
internal static class Requires
{
    public static void Root()
    {
        if (!Privileges.IsRoot)
            Assert.Skip("needs root: loads BPF programs");
    }
}
