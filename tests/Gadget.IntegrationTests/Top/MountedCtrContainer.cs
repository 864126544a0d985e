using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Top;

/// <summary>A `ctr run` container (containerd's own API, namespace "default") with a host
/// directory bound into it; removed on dispose like <see cref="CtrContainer"/>.</summary>
internal sealed class MountedCtrContainer : IDisposable
{
    private MountedCtrContainer(string id) => Id = id;

    public string Id { get; }

    public static MountedCtrContainer Run(string hostPath, string containerPath)
    {
        var id = Paths.UniqueName("igt-c");
        Shell.Run("ctr", "-n", CtrContainer.Namespace, "run", "-d",
            "--mount", $"type=bind,src={hostPath},dst={containerPath},options=rbind:rw",
            TestImages.Busybox, id, "sleep", "600");
        return new MountedCtrContainer(id);
    }

    public string Exec(params string[] command) =>
        Shell.Run("ctr", ["-n", CtrContainer.Namespace, "task", "exec", "--exec-id", Paths.UniqueName("x"), Id, .. command]);

    public void Dispose() => CtrContainer.Remove(Id);
}
