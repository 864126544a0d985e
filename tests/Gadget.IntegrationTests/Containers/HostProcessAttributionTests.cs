using System.Text.Json;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Containers;

/// <summary>A host process inside a cgroup that names a container (what `runc exec` briefly
/// makes: its child joins the container's cgroup before its mount namespace) is no container,
/// and host events are not attributed to one.</summary>
public sealed class HostProcessAttributionTests : IDisposable
{
    private readonly string _cgroup;

    public HostProcessAttributionTests()
    {
        // The cgroup v2 hierarchy (unified, or mounted alone); the scan reads v2 paths first.
        var root = Directory.Exists("/sys/fs/cgroup/unified") ? "/sys/fs/cgroup/unified" : "/sys/fs/cgroup";
        var id = Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant();
        _cgroup = Path.Combine(root, "igt-host-" + id[..8], $"docker-{id}{id}.scope");
    }

    [Fact]
    public void A_host_process_in_a_container_named_cgroup_is_not_a_container()
    {
        Requires.Root();
        Directory.CreateDirectory(_cgroup);
        var id = Path.GetFileName(_cgroup)["docker-".Length..^".scope".Length];
        using var sleeper = BackgroundProcess.Start("sleep", "120");
        File.WriteAllText(Path.Combine(_cgroup, "cgroup.procs"), sleeper.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var ig = IgProcess.Start("trace", "exec", "--host", "-o", "json");

        var listed = Shell.Run(Paths.IgBinary, "list-containers", "-o", "json");
        Assert.DoesNotContain(id, listed);

        var marker = "igt-host-" + Guid.NewGuid().ToString("N")[..8];
        Poll.Until(() =>
        {
            Shell.Run("/bin/sh", "-c", $"true {marker}");
            return ig.Lines.Any(l => l.Contains(marker, StringComparison.Ordinal));
        }, "for the host exec", TimeSpan.FromSeconds(15));
        var exec = JsonDocument.Parse(ig.Lines.First(l => l.Contains(marker, StringComparison.Ordinal))).RootElement;
        Assert.True(string.IsNullOrEmpty(exec.Str("runtime", "containerName")), exec.ToString());
        Assert.True(string.IsNullOrEmpty(exec.Str("runtime", "containerId")), exec.ToString());
        ig.Signal("INT");
        Assert.Equal(0, ig.WaitForExit());
    }

    public void Dispose()
    {
        if (!Directory.Exists(_cgroup))
            return;
        // Processes left in it go back to the root before the directories can go.
        var root = Path.GetDirectoryName(Path.GetDirectoryName(_cgroup))!;
        foreach (var pid in File.ReadAllLines(Path.Combine(_cgroup, "cgroup.procs")))
            File.WriteAllText(Path.Combine(root, "cgroup.procs"), pid);
        Directory.Delete(_cgroup);
        Directory.Delete(Path.GetDirectoryName(_cgroup)!);
        if (Gadget.Native.Privileges.IsRoot)
            KernelObjects.AssertNoneLoaded();
    }
}
