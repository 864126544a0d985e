using System.Diagnostics;
using Gadget.Containers.Procfs;

namespace Gadget.Tests.Containers;

/// <summary>A sleeping process in a mount namespace of its own (in a user namespace of its
/// own too, so no root is needed): what a container's init looks like to discovery, which
/// ignores pids in the host's mount namespace, this test process's among them. Killed on dispose.</summary>
internal sealed class ProcessInOwnMountNamespace : IDisposable
{
    private readonly Process _process;

    public ProcessInOwnMountNamespace()
    {
        var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--user", "--map-root-user", "--mount", "sleep", "600" })
            start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        // unshare execs sleep once the namespaces are made: until then it is still in ours.
        while (!(ProcNamespaces.TryGetMountNamespace(_process.Id, out var mntns) && mntns != ProcNamespaces.HostMountNamespace))
        {
            if (_process.HasExited)
                throw new InvalidOperationException("unshare failed: " + _process.StandardError.ReadToEnd());
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("unshare did not enter a new mount namespace within 10 s");
            Thread.Sleep(10);
        }
    }

    public int Pid => _process.Id;

    public void Dispose()
    {
        _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
    }
}
