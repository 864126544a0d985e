using System.Globalization;
using Gadget.Containers.Procfs;
using Gadget.Native;

namespace Gadget.Gadgets.Snapshot.Process;

/// <summary>Completes a pass of the task iterator from /proc: the processes it did not cover at
/// all (neither kept nor left out by the filter) are read from their status files. The iterator
/// never returns some tasks (here the init, pid 1, which the machine protects), and a process
/// born during the pass may come after it; only those are read, so the cost stays that of one
/// directory listing of /proc.</summary>
public static class ProcCompletion
{
    /// <summary>Adds an entry for every process in /proc that <paramref name="covered"/> lacks and
    /// whose mount namespace <paramref name="wants"/> keeps (every thread of it with
    /// <paramref name="threads"/>). Returns how many entries it added.</summary>
    public static int Complete(HashSet<int> covered, bool threads, Func<ulong, bool> wants, List<ProcessEntry> entries)
    {
        var pids = new int[4096];
        var count = ProcFs.ListPids(ref pids);
        var added = 0;
        foreach (var pid in pids.AsSpan(0, count))
        {
            if (covered.Contains(pid))
                continue;
            if (!threads)
            {
                added += TryAdd(pid, pid, wants, entries) ? 1 : 0;
                continue;
            }
            foreach (var tid in Threads(pid))
                added += TryAdd(pid, tid, wants, entries) ? 1 : 0;
        }
        return added;
    }

    /// <summary>The ids of a process's threads (its own first when it still runs), from /proc/PID/task.</summary>
    private static IEnumerable<int> Threads(int pid)
    {
        string[] directories;
        try
        {
            directories = Directory.GetDirectories(Path(pid, "/task"));
        }
        catch (IOException)
        {
            yield break; // gone
        }
        foreach (var directory in directories)
        {
            if (int.TryParse(System.IO.Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var tid))
                yield return tid;
        }
    }

    private static bool TryAdd(int pid, int tid, Func<ulong, bool> wants, List<ProcessEntry> entries)
    {
        if (!TryMountNamespace(tid, out var mntns) || !wants(mntns))
            return false;
        if (!TryRead(pid, tid, mntns, out var entry))
            return false;
        entries.Add(entry);
        return true;
    }

    /// <summary>A task's mount namespace. One whose link is out of reach while the task is there
    /// is in a user namespace above ours: the host's, for ig (as ProcNamespaces.HostMountNamespace).</summary>
    private static bool TryMountNamespace(int tid, out ulong mntns)
    {
        if (ProcNamespaces.TryGetMountNamespace(tid, out mntns))
            return true;
        mntns = ProcNamespaces.HostMountNamespace;
        return Directory.Exists(Path(tid, ""));
    }

    /// <summary>Reads one task's entry from /proc/PID/task/TID/status; false when it is gone.</summary>
    public static bool TryRead(int pid, int tid, ulong mntns, out ProcessEntry entry)
    {
        entry = default;
        byte[] text;
        try
        {
            text = File.ReadAllBytes(Path(pid, string.Create(CultureInfo.InvariantCulture, $"/task/{tid}/status")));
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        if (!ProcStatus.TryParse(text, entry.Header.Comm, out var status))
            return false;
        entry.Kind = (uint)ProcessRecordKind.Entry;
        entry.Ppid = status.Ppid;
        entry.Header.Timestamp = (ulong)BootClock.NowNanoseconds();
        entry.Header.MntnsId = mntns;
        entry.Header.Pid = status.Tgid;
        entry.Header.Tid = status.Pid;
        entry.Header.Uid = status.Uid;
        entry.Header.Gid = status.Gid;
        return true;
    }

    private static string Path(int pid, string rest) => string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}{rest}");
}
