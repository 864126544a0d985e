using Gadget.Containers.Procfs;

namespace Gadget.Containers.Runtimes.Runc;

/// <summary>Containers that runc has created but not started: their init process waits as
/// "runc:[2:INIT]" in the container's own mount namespace until `runc start`.</summary>
internal static class RuncInitProcesses
{
    private const string WaitingComm = "runc:[2:INIT]";

    /// <summary>Each waiting init's pid and mount namespace (root's only).</summary>
    public static List<(int Pid, ulong MntnsId)> Waiting()
    {
        var result = new List<(int, ulong)>();
        var pids = new int[1024];
        var count = Native.ProcFs.ListPids(ref pids);
        var host = ProcNamespaces.HostMountNamespace;
        for (var i = 0; i < count; i++)
        {
            var pid = pids[i];
            string comm;
            try
            {
                comm = File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (comm == WaitingComm && ProcNamespaces.TryGetMountNamespace(pid, out var mntns) && mntns != host &&
                ProcNamespaces.IsInHostUserNamespace(pid))
                result.Add((pid, mntns));
        }
        return result;
    }
}
