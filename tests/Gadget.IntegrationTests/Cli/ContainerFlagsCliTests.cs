using System.Net.Sockets;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Cli;

/// <summary>The container flags as the published binary meets them: conflicting flags are one
/// error line; a runtime that is missing or refuses is one warning and the others still work.</summary>
public sealed class ContainerFlagsCliTests
{
    [Theory]
    [InlineData("trace", "exec")]
    [InlineData("trace", "open")]
    [InlineData("list-containers")]
    public void Namespace_and_all_namespaces_together_are_one_error_line(params string[] command)
    {
        Requires.Root();
        var result = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(15), [.. command, "-n", "igtest", "-A"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Error: --namespace and --all-namespaces cannot be used together", result.Error.TrimEnd('\n'));
        Assert.Empty(result.Output);
        KernelObjects.AssertNoneLoaded();
    }

    [Fact]
    public void A_missing_containerd_socket_is_one_warning_and_docker_containers_are_still_traced()
    {
        Requires.Root();
        using var container = DockerContainer.Run();
        var missing = "/nonexistent/" + Paths.UniqueName("containerd") + ".sock";
        using var ig = IgProcess.Start("trace", "exec", "-c", container.Name, "--containerd-socketpath", missing);
        ig.WaitForLine(l => l.Contains("PCOMM", StringComparison.Ordinal), "with the header");
        var marker = Paths.UniqueName("m");

        container.Exec("/bin/echo", marker);

        var line = ig.WaitForLine(l => l.Contains(marker, StringComparison.Ordinal), "for the container's exec");
        Assert.StartsWith(container.Name, line);
        var warning = Assert.Single(ig.ErrorText.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"WARNING: containerd: cannot list containers at {missing}", warning);
    }

    [Fact]
    public void A_containerd_socket_that_refuses_is_one_warning_and_docker_containers_are_still_traced()
    {
        Requires.Root();
        var dir = Paths.NewTempDirectory();
        try
        {
            // A socket bound but not listening: connecting is refused (ECONNREFUSED). It stays
            // open for the test, since .NET removes the file of a bound socket it closes.
            var refusing = Path.Combine(dir, "containerd.sock");
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Bind(new UnixDomainSocketEndPoint(refusing));
            using var container = DockerContainer.Run();
            using var ig = IgProcess.Start("trace", "exec", "-o", "json", "-c", container.Name, "--containerd-socketpath", refusing);
            var marker = Paths.UniqueName("m");
            Poll.Until(() => { container.Exec("/bin/echo", marker); return ig.Lines.Any(l => l.Contains(marker, StringComparison.Ordinal)); }, "the container's exec to be traced");

            var warning = Assert.Single(ig.ErrorText.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"WARNING: containerd: cannot list containers at {refusing}", warning);
            Assert.EndsWith("(Connection refused); skipping it", warning);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
