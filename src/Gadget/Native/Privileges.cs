using System.Globalization;

namespace Gadget.Native;

/// <summary>Whether this process may load BPF programs.</summary>
public static class Privileges
{
    private const int CapSysAdmin = 21;
    private const int CapPerfmon = 38;
    private const int CapBpf = 39;

    /// <summary>The inode of the initial PID namespace (PROC_PID_INIT_INO): the same on every kernel.</summary>
    private const string InitialPidNamespace = "pid:[4026531836]";

    /// <summary>Effective uid 0 (root has CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN).</summary>
    public static bool IsRoot => Interop.Libc.geteuid() == 0;

    /// <summary>This process's effective uid.</summary>
    public static uint EffectiveUid => Interop.Libc.geteuid();

    /// <summary>The capabilities ig needs to load and attach its programs that this process
    /// lacks: CAP_BPF and CAP_PERFMON, unless it has CAP_SYS_ADMIN (which stands for both), so
    /// a list that is not empty ends with CAP_SYS_ADMIN. Empty when nothing is missing, or when the effective set cannot be read. Root can lack
    /// them (`capsh --drop=...`, a container's bounding set).</summary>
    public static IReadOnlyList<string> MissingCapabilities()
    {
        if (EffectiveCapabilities() is not { } effective)
            return [];
        bool Has(int cap) => (effective & (1UL << cap)) != 0;
        if (Has(CapSysAdmin) || (Has(CapBpf) && Has(CapPerfmon)))
            return [];
        var missing = new List<string>();
        if (!Has(CapBpf))
            missing.Add("CAP_BPF");
        if (!Has(CapPerfmon))
            missing.Add("CAP_PERFMON");
        missing.Add("CAP_SYS_ADMIN");
        return missing;
    }

    /// <summary>The CapEff mask of /proc/self/status, or null when it cannot be read.</summary>
    private static ulong? EffectiveCapabilities()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("CapEff:", StringComparison.Ordinal) &&
                    ulong.TryParse(line.AsSpan(7).Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var mask))
                    return mask;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    /// <summary>True when the /proc ig reads is not the host's: ig runs in a PID namespace of its
    /// own with that namespace's /proc (a pod without hostPID). Pids from the kernel (the
    /// initial namespace's) then name other processes, or none, in this /proc.</summary>
    public static bool ProcIsNotTheHosts()
    {
        try
        {
            if (new FileInfo("/proc/self/ns/pid").LinkTarget == InitialPidNamespace)
                return false;
            // In a PID namespace of its own, ig may still see the host's /proc (mounted from
            // the host, an ancestor namespace's): NSpid then lists ig's pid in that namespace
            // and in its own, two or more. One pid: this /proc is ig's own namespace's. (pid 1's
            // namespace link would say it directly, but a protected init's is unreadable.)
            var nspid = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("NSpid:", StringComparison.Ordinal));
            return nspid is null || nspid.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Length <= 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }
}
