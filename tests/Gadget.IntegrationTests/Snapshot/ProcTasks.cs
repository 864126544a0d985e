using System.Globalization;
using System.Text.Json;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Snapshot;

/// <summary>A process or thread as /proc shows it: the independent witness the process snapshot
/// is checked against.</summary>
internal sealed record ProcTask(int Pid, int Tid, int Ppid, uint Uid, uint Gid, string Comm)
{
    /// <summary>Every process in mount namespace <paramref name="mntns"/> (their threads too with
    /// <paramref name="threads"/>), ordered as the snapshot sorts one container's rows: by command
    /// name, then pid, tid and ppid.</summary>
    public static List<ProcTask> InMountNamespace(ulong mntns, bool threads)
    {
        var tasks = new List<ProcTask>();
        foreach (var directory in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            try
            {
                if (MountNamespace.Of(pid) != mntns)
                    continue;
                var tids = threads
                    ? Directory.GetDirectories($"/proc/{pid}/task").Select(d => int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture))
                    : [pid];
                tasks.AddRange(tids.Select(tid => Read(pid, tid)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NullReferenceException)
            {
                // Gone meanwhile, or out of reach (not in a container's namespace then).
            }
        }
        return [.. tasks.OrderBy(t => t.Comm, StringComparer.Ordinal).ThenBy(t => t.Pid).ThenBy(t => t.Tid).ThenBy(t => t.Ppid)];
    }

    public static ProcTask Read(int pid, int tid)
    {
        var status = File.ReadLines($"/proc/{pid}/task/{tid}/status").Select(l => l.Split(':', 2)).ToDictionary(f => f[0], f => f[1].Trim());
        uint First(string key) => uint.Parse(status[key].Split('\t')[0], CultureInfo.InvariantCulture);
        return new ProcTask(pid, tid, int.Parse(status["PPid"], CultureInfo.InvariantCulture), First("Uid"), First("Gid"), status["Name"]);
    }

    /// <summary>A row of the snapshot's JSON as a task.</summary>
    public static ProcTask Of(JsonElement row) =>
        new((int)row.Num("pid"), (int)row.Num("tid"), (int)row.Num("ppid"), (uint)row.Num("uid"), (uint)row.Num("gid"), row.Str("comm")!);
}
