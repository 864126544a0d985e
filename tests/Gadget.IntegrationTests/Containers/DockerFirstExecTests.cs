using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Containers;

/// <summary>`ig trace exec -c name` catches the very first process of a Docker container
/// started after ig, every time: the container is named when runc is about to start it
/// (from what Docker wrote at create time), not when Docker's "create" event arrives.</summary>
public sealed class DockerFirstExecTests
{
    private const int Starts = 8;

    [Fact]
    public void Containername_catches_the_first_exec_of_every_start_of_a_docker_container()
    {
        Requires.Root();
        var name = Paths.UniqueName("igt-first");
        using var ig = IgProcess.Start("trace", "exec", "-c", name);
        ig.WaitForLine(l => l.Contains("PCOMM", StringComparison.Ordinal), "with the header");

        for (var i = 0; i < Starts; i++)
        {
            // The same name each time: a new container (new id) that the filter must match
            // before its first and only process, the echo, runs.
            var marker = $"first-exec-{i}-{Guid.NewGuid():N}";
            using (DockerContainer.Run(name, ["/bin/echo", marker]))
            {
                var line = ig.WaitForLine(l => l.Contains(marker, StringComparison.Ordinal), $"for the first exec of start {i + 1}");
                Assert.StartsWith(name + " ", line);
            }
        }
    }
}
