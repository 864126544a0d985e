namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>A container made with containerd's own client (`ctr run`) in namespace "default",
/// the kind only containerd's native API knows about. Removed on dispose.</summary>
internal sealed class CtrContainer : IDisposable
{
    private const string Namespace = "default";

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

    public void Dispose()
    {
        Shell.TryRun("ctr", null, TimeSpan.FromSeconds(30), "-n", Namespace, "task", "kill", "-s", "SIGKILL", Id);
        for (var i = 0; i < 50; i++)
        {
            if (Shell.TryRun("ctr", null, TimeSpan.FromSeconds(30), "-n", Namespace, "task", "delete", Id).ExitCode == 0)
                break;
            Thread.Sleep(100);
        }
        Shell.TryRun("ctr", null, TimeSpan.FromSeconds(30), "-n", Namespace, "container", "delete", Id);
    }
}
