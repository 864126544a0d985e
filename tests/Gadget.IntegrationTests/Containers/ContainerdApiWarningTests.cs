using System.Diagnostics;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Containers;

/// <summary>A containerd whose CRI plugin is off still lists its own containers: ig's warning
/// names the API that failed instead of skipping all of containerd. The machine's shared
/// containerd must keep its CRI plugin, so the test runs a private containerd of its own
/// (own socket, root and state directories) with the plugin disabled.</summary>
public sealed class ContainerdApiWarningTests
{
    [Fact]
    public void Without_the_cri_plugin_the_warning_names_the_cri_api()
    {
        Requires.Root();
        using var containerd = PrivateContainerd.Start(disabledPlugins: ["io.containerd.grpc.v1.cri"]);

        var result = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(30), "list-containers", "-r", "containerd", "--containerd-socketpath", containerd.Socket);

        Assert.Equal(0, result.ExitCode);
        var warning = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"WARNING: containerd: cannot list containers through its CRI API at {containerd.Socket} (unknown service runtime.v1.RuntimeService); skipping that API (its native API works)", warning);
        Assert.StartsWith("RUNTIME", result.Output);
    }

    /// <summary>A containerd in a scratch directory, killed and removed on dispose.</summary>
    private sealed class PrivateContainerd : IDisposable
    {
        private readonly Process _process;
        private readonly string _dir;

        private PrivateContainerd(Process process, string dir)
        {
            _process = process;
            _dir = dir;
        }

        public string Socket => Path.Combine(_dir, "containerd.sock");

        public static PrivateContainerd Start(string[] disabledPlugins)
        {
            var dir = Paths.NewTempDirectory();
            var config = Path.Combine(dir, "config.toml");
            File.WriteAllText(config, $"""
                version = 2
                root = "{dir}/root"
                state = "{dir}/state"
                disabled_plugins = [{string.Join(", ", disabledPlugins.Select(p => $"\"{p}\""))}]
                [grpc]
                  address = "{dir}/containerd.sock"
                [ttrpc]
                  address = "{dir}/containerd.sock.ttrpc"
                """);
            var start = new ProcessStartInfo("containerd") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("--config");
            start.ArgumentList.Add(config);
            var containerd = new PrivateContainerd(Process.Start(start)!, dir);
            containerd._process.BeginOutputReadLine();
            containerd._process.BeginErrorReadLine();
            try
            {
                Poll.Until(() => Shell.TryRun("ctr", null, TimeSpan.FromSeconds(5), "--address", containerd.Socket, "version").ExitCode == 0, "the private containerd to answer");
            }
            catch
            {
                containerd.Dispose();
                throw;
            }
            return containerd;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
                _process.Kill();
            _process.WaitForExit();
            _process.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }
}
