using System.Globalization;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>A memory cgroup of its own with a small limit, for OOM kills that stay inside it
/// (cgroup v1 memory controller where mounted, else cgroup v2). Disposing kills what is left
/// in it and removes it.</summary>
internal sealed class MemoryCgroup : IDisposable
{
    private const string V1Root = "/sys/fs/cgroup/memory";
    private const string V2Root = "/sys/fs/cgroup";

    private MemoryCgroup(string path, long limitBytes)
    {
        Path = path;
        LimitBytes = limitBytes;
    }

    public string Path { get; }

    public long LimitBytes { get; }

    public static MemoryCgroup Create(long limitBytes)
    {
        var v1 = File.Exists(System.IO.Path.Combine(V1Root, "memory.limit_in_bytes"));
        var path = System.IO.Path.Combine(v1 ? V1Root : V2Root, "igt-oom-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        var cgroup = new MemoryCgroup(path, limitBytes);
        var limit = limitBytes.ToString(CultureInfo.InvariantCulture);
        if (v1)
        {
            File.WriteAllText(System.IO.Path.Combine(path, "memory.limit_in_bytes"), limit);
        }
        else
        {
            File.WriteAllText(System.IO.Path.Combine(path, "memory.max"), limit);
            File.WriteAllText(System.IO.Path.Combine(path, "memory.swap.max"), "0");
        }
        return cgroup;
    }

    /// <summary>A shell that moves itself into the cgroup, then runs <paramref name="script"/>
    /// (which ends with "exec ..." to keep the pid).</summary>
    public string[] Shell(string script) =>
        ["/bin/sh", "-c", $"echo $$ > {System.IO.Path.Combine(Path, "cgroup.procs")} && {script}"];

    public void Dispose()
    {
        var procs = System.IO.Path.Combine(Path, "cgroup.procs");
        for (var attempt = 0; attempt < 50 && Directory.Exists(Path); attempt++)
        {
            foreach (var pid in File.ReadAllLines(procs).Where(l => l.Length > 0))
                Infrastructure.Shell.TryRun("kill", null, TimeSpan.FromSeconds(5), "-KILL", pid);
            try
            {
                Directory.Delete(Path);
            }
            catch (IOException)
            {
                Thread.Sleep(100); // the killed processes have not left yet
            }
        }
    }
}
