using System.Text.Json;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Agent;

/// <summary>`ig --remote` against a real `ig daemon` (the published binary on a socket of the
/// test's own): a container's exec attributed on the node, and every kind of gadget printing
/// through the agent what it prints locally.</summary>
public sealed class RemoteRunTests : OwningTest
{
    private static IgProcess Remote(AgentProcess agent, params string[] command) => IgProcess.Start(["--remote", agent.Address, .. command]);

    private static (int ExitCode, string Output, string Error) RunRemote(AgentProcess agent, params string[] command) =>
        Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(60), ["--remote", agent.Address, .. command]);

    private static (int ExitCode, string Output, string Error) RunLocal(params string[] command) =>
        Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(60), command);

    [Fact]
    public void Trace_exec_through_the_agent_gets_a_docker_containers_exec_with_its_container()
    {
        Requires.Root();
        var agent = Own(AgentProcess.Start());
        var container = Own(DockerContainer.Run());
        using var ig = Remote(agent, "trace", "exec", "-c", container.Name, "-o", "json");
        var marker = Paths.UniqueName("m");

        Poll.Until(() => { container.Exec("/bin/echo", marker); return ig.Lines.Any(l => l.Contains(marker, StringComparison.Ordinal)); },
            "the container's exec through the agent");

        using var json = JsonDocument.Parse(ig.Lines.First(l => l.Contains(marker, StringComparison.Ordinal)));
        var e = json.RootElement;
        Assert.Equal("docker", e.Str("runtime", "runtimeName"));
        Assert.Equal(container.Name, e.Str("runtime", "containerName"));
        Assert.Equal(container.Id, e.Str("runtime", "containerId"));
        Assert.Equal(TestImages.Busybox, e.Str("runtime", "containerImageName"));
        Assert.Equal("echo", e.Str("comm"));
        Assert.Equal(["/bin/echo", marker], e.Strings("args"));
        Assert.Equal((long)MountNamespace.Of(container.Pid), e.Num("mountnsid"));
        Assert.Equal("normal", e.Str("type"));
        Assert.True(e.Num("pid") > 0);
        var age = DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeMilliseconds(e.Num("timestamp") / 1_000_000);
        Assert.InRange(age, TimeSpan.Zero, TimeSpan.FromMinutes(1));

        ig.Signal("INT");
        Assert.Equal(0, ig.WaitForExit());
        Assert.Matches(@"^ig: \d+ events?, 0 lost$", ig.ErrorText.Trim());
    }

    [Fact]
    public void Trace_exec_columns_are_the_same_lines_as_a_local_run()
    {
        Requires.Root();
        var agent = Own(AgentProcess.Start());
        var container = Own(DockerContainer.Run());
        using var local = IgProcess.Start("trace", "exec", "-c", container.Name);
        using var remote = Remote(agent, "trace", "exec", "-c", container.Name);
        var localHeader = local.WaitForLine(l => l.Contains("PCOMM", StringComparison.Ordinal), "with the local header");
        var remoteHeader = remote.WaitForLine(l => l.Contains("PCOMM", StringComparison.Ordinal), "with the remote header");
        var marker = Paths.UniqueName("m");

        container.Exec("/bin/echo", marker);

        var localLine = local.WaitForLine(l => l.Contains(marker, StringComparison.Ordinal), "with the local event");
        var remoteLine = remote.WaitForLine(l => l.Contains(marker, StringComparison.Ordinal), "with the remote event");
        Assert.Equal(localHeader, remoteHeader);
        Assert.Equal(localLine, remoteLine);
        Assert.StartsWith(container.Name, remoteLine);
    }

    [Fact]
    public void Snapshot_process_prints_through_the_agent_what_it_prints_here()
    {
        Requires.Root();
        var agent = Own(AgentProcess.Start());
        var container = Own(DockerContainer.Run(command: ["sh", "-c", "sleep 600 & sleep 600"]));

        var local = RunLocal("snapshot", "process", "-c", container.Name);
        var remote = RunRemote(agent, "snapshot", "process", "-c", container.Name);
        var localJson = RunLocal("snapshot", "process", "-c", container.Name, "-o", "json");
        var remoteJson = RunRemote(agent, "snapshot", "process", "-c", container.Name, "-o", "json");

        Assert.Equal(0, remote.ExitCode);
        Assert.Equal(local.Output, remote.Output);
        Assert.Equal(local.Error, remote.Error);
        Assert.Equal(3, remote.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        // The same rows but for the time of the snapshot, which is each run's own.
        Assert.Equal(WithoutTimestamps(localJson.Output), WithoutTimestamps(remoteJson.Output));
        using var rows = JsonDocument.Parse(remoteJson.Output);
        Assert.All(rows.RootElement.EnumerateArray(), r => Assert.Equal(container.Name, r.Str("runtime", "containerName")));
    }

    private static string WithoutTimestamps(string json) =>
        System.Text.RegularExpressions.Regex.Replace(json, "\"timestamp\":[0-9]+,", "");

    [Fact]
    public void Top_file_prints_through_the_agent_the_tables_it_prints_here()
    {
        Requires.Root();
        var agent = Own(AgentProcess.Start());
        var name = Paths.UniqueName("tf");
        var container = Own(DockerContainer.Run(command: ["sh", "-c", $"echo x > /tmp/{name}; while true; do read l < /tmp/{name}; done"]));

        var local = RunLocal("top", "file", "-c", container.Name, "--timeout", "2");
        var remote = RunRemote(agent, "top", "file", "-c", container.Name, "--timeout", "2");
        var remoteJson = RunRemote(agent, "top", "file", "-c", container.Name, "--timeout", "1", "-o", "json");

        Assert.Equal(0, remote.ExitCode);
        // Two intervals: two blocks, each a header and the rows, an empty line between them.
        var localBlocks = local.Output.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        var remoteBlocks = remote.Output.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, remoteBlocks.Length);
        Assert.Equal(localBlocks.Length, remoteBlocks.Length);
        Assert.All(remoteBlocks, b => Assert.Equal(localBlocks[0].Split('\n')[0], b.Split('\n')[0]));
        Assert.All(remoteBlocks, b => Assert.Contains(b.Split('\n'), l => l.StartsWith(container.Name, StringComparison.Ordinal) && l.Contains(name, StringComparison.Ordinal)));
        Assert.Matches(@"^ig: 2 frames \(\d+ rows\), 0 lost$", remote.Error.Trim());
        using var json = JsonDocument.Parse(remoteJson.Output);
        Assert.Contains(json.RootElement.EnumerateArray(), r => r.Str("filename") == name && r.Str("runtime", "containerName") == container.Name && r.Num("reads") > 0);
    }

    [Fact]
    public void Profile_cpu_reports_through_the_agent_as_here_and_writes_the_flame_graph_on_the_client()
    {
        Requires.Root();
        var agent = Own(AgentProcess.Start());
        var container = Own(DockerContainer.Run(command: ["sh", "-c", "while :; do :; done"]));
        var dir = OwnTempDirectory();
        var graph = Path.Combine(dir, "cpu.svg");

        var local = RunLocal("profile", "cpu", "-c", container.Name, "--timeout", "2");
        var remote = RunRemote(agent, "profile", "cpu", "-c", container.Name, "--timeout", "2", "--flamegraph", graph);
        var remoteJson = RunRemote(agent, "profile", "cpu", "-c", container.Name, "--timeout", "1", "-o", "json");
        var localJson = RunLocal("profile", "cpu", "-c", container.Name, "--timeout", "1", "-o", "json");

        Assert.Equal(0, remote.ExitCode);
        var localLines = local.Output.Split('\n');
        var remoteLines = remote.Output.Split('\n');
        Assert.Equal(localLines[0], remoteLines[0]);
        // Each row of the spinning shell, with its frames under it, indented by a tab.
        var row = Array.FindIndex(remoteLines, l => l.StartsWith(container.Name, StringComparison.Ordinal) && l.Contains(" sh ", StringComparison.Ordinal));
        Assert.True(row > 0, remote.Output);
        Assert.StartsWith("\t", remoteLines[row + 1]);
        Assert.StartsWith("<?xml", File.ReadAllText(graph));
        // One object a line per stack; which stacks were sampled differs, and an empty stack is
        // left out (userStack, kernelStack), so the objects are compared by their other keys.
        var keys = (string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => string.Join(',', JsonDocument.Parse(l).RootElement.EnumerateObject().Select(p => p.Name).Where(n => !n.EndsWith("Stack", StringComparison.Ordinal))))
            .Distinct().Order().ToList();
        Assert.Equal(keys(localJson.Output), keys(remoteJson.Output));
        Assert.NotEmpty(keys(remoteJson.Output));
    }

    [Fact]
    public void Profile_block_io_reports_through_the_agent_as_here()
    {
        Requires.Root();
        var agent = Own(AgentProcess.Start());

        var local = RunLocal("profile", "block-io", "--timeout", "1", "-o", "json");
        var remote = RunRemote(agent, "profile", "block-io", "--timeout", "1", "-o", "json");

        Assert.Equal(0, remote.ExitCode);
        // The histogram's own JSON shape (not an array of rows), as the node rendered it.
        using var localJson = JsonDocument.Parse(local.Output);
        using var remoteJson = JsonDocument.Parse(remote.Output);
        Assert.Equal(JsonValueKind.Object, remoteJson.RootElement.ValueKind);
        Assert.Equal(localJson.RootElement.EnumerateObject().Select(p => p.Name), remoteJson.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("µs", remoteJson.RootElement.Str("unit"));
        Assert.Equal(local.Error, remote.Error);
    }

    [Fact]
    public void List_containers_through_the_agent_lists_what_the_node_knows()
    {
        Requires.Root();
        var agent = Own(AgentProcess.Start());
        var container = Own(DockerContainer.Run());

        var remote = RunRemote(agent, "list-containers", "-c", container.Name, "-o", "json");

        Assert.Equal(0, remote.ExitCode);
        // One object a line, as locally.
        using var json = JsonDocument.Parse(Assert.Single(remote.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(container.Id, json.RootElement.Str("runtime", "containerId"));
        Assert.Equal(container.Pid, json.RootElement.GetProperty("runtime").Num("containerPID"));
        Assert.Equal(RunLocal("list-containers", "-c", container.Name).Output, RunRemote(agent, "list-containers", "-c", container.Name).Output);
    }

    [Fact]
    public void An_unreachable_agent_is_one_error_line()
    {
        Requires.Root();
        var missing = $"/tmp/{Paths.UniqueName("nosock")}.sock";

        var result = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(30), "--remote", "unix://" + missing, "trace", "exec");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"Error: cannot reach the agent at unix://{missing}: ", line);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void A_bad_value_the_node_rejects_is_its_one_error_line()
    {
        Requires.Root();
        var agent = Own(AgentProcess.Start());

        var remote = RunRemote(agent, "profile", "cpu", "-U", "-K");
        var local = RunLocal("profile", "cpu", "-U", "-K");

        Assert.Equal(1, remote.ExitCode);
        Assert.Equal("Error: -U and -K can't be used at the same time", remote.Error.Trim());
        Assert.Equal(local.Error, remote.Error);
        Assert.Empty(remote.Output);
    }
}
