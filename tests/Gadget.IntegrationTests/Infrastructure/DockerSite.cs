using System.Diagnostics;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>A Docker container as a site for trigger commands: a busybox container with the
/// helpers' directory mounted read-only, no network but its own loopback, and the host's pid
/// namespace, so the pids the helpers print are the ones events carry; IPv6 on. Removed on dispose.</summary>
internal sealed class DockerSite : Site, IDisposable
{
    private const string HelpersMount = "/igt";

    private DockerSite(DockerContainer container) => Container = container;

    public DockerContainer Container { get; }

    public static DockerSite Start()
    {
        var helpers = Path.GetDirectoryName(Helpers.Sockets)!;
        // Docker turns IPv6 off in containers unless told otherwise.
        return new DockerSite(DockerContainer.Run(dockerOptions:
        [
            "--pid=host", "--network=none", "-v", $"{helpers}:{HelpersMount}:ro",
            "--sysctl", "net.ipv6.conf.all.disable_ipv6=0", "--sysctl", "net.ipv6.conf.lo.disable_ipv6=0",
        ]));
    }

    public override ProcessStartInfo StartInfo(string file, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("docker");
        foreach (var arg in (string[])["exec", "-i", Container.Name, $"{HelpersMount}/{Path.GetFileName(file)}"])
            start.ArgumentList.Add(arg);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        return start;
    }

    public void Dispose() => Container.Dispose();
}
