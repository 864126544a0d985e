namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>A container made with containerd's own client (`ctr run`) in namespace "default",
/// the kind only containerd's native API knows about. Removed on dispose.</summary>
internal sealed class CtrContainer : IDisposable
{
    public const string Namespace = "default";

    private CtrContainer(string id) => Id = id;

    public string Id { get; }

    public static CtrContainer Run(string? id = null, params string[] command)
    {
        id ??= Paths.UniqueName("igt-c");
        Shell.Run("ctr", ["-n", Namespace, "run", "-d", TestImages.Busybox, id, .. (command.Length > 0 ? command : ["sleep", "600"])]);
        return new CtrContainer(id);
    }

    public string Exec(params string[] command) =>
        Shell.Run("ctr", ["-n", Namespace, "task", "exec", "--exec-id", Paths.UniqueName("x"), Id, .. command]);

    /// <summary>The host pid of the container's init process ("ctr task ls": TASK PID STATUS).</summary>
    public int Pid => int.Parse(
        Shell.Run("ctr", "-n", Namespace, "task", "ls").Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Single(f => f.Length >= 2 && f[0] == Id)[1],
        System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The digest of the manifest the test image's name points at ("ctr images ls": REF TYPE DIGEST ...).</summary>
    public static string ImageDigest =>
        Shell.Run("ctr", "-n", Namespace, "images", "ls").Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Single(f => f.Length >= 3 && f[0] == TestImages.Busybox)[2];

    public void Dispose() => Remove(Id);

    /// <summary>Kills the task, deletes it, then the container (also one an earlier run left behind).</summary>
    public static void Remove(string id)
    {
        Shell.TryRun("ctr", null, TimeSpan.FromSeconds(30), "-n", Namespace, "task", "kill", "-s", "SIGKILL", id);
        for (var i = 0; i < 50; i++)
        {
            if (Shell.TryRun("ctr", null, TimeSpan.FromSeconds(30), "-n", Namespace, "task", "delete", id).ExitCode == 0)
                break;
            Thread.Sleep(100);
        }
        Shell.TryRun("ctr", null, TimeSpan.FromSeconds(30), "-n", Namespace, "container", "delete", id);
    }
}
