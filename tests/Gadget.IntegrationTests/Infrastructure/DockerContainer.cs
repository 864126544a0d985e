namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>A real Docker container for a test, removed (forcibly) on dispose.</summary>
internal sealed class DockerContainer : IDisposable
{
    private DockerContainer(string name, string id)
    {
        Name = name;
        Id = id;
    }

    public string Name { get; }

    public string Id { get; }

    /// <summary>Starts a detached container running <paramref name="command"/> (default: sleep).</summary>
    public static DockerContainer Run(string? name = null, string[]? command = null, params string[] dockerOptions)
    {
        name ??= Paths.UniqueName("igt-d");
        var args = new List<string> { "run", "-d", "--name", name };
        args.AddRange(dockerOptions);
        args.Add(TestImages.Busybox);
        args.AddRange(command ?? ["sleep", "600"]);
        var id = Shell.Run("docker", [.. args]).Trim();
        return new DockerContainer(name, id);
    }

    /// <summary>Runs a command in the container and waits for it.</summary>
    public string Exec(params string[] command) => Shell.Run("docker", ["exec", Name, .. command]);

    public int Pid => int.Parse(Shell.Run("docker", "inspect", "-f", "{{.State.Pid}}", Name).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    public void Stop() => Shell.TryRun("docker", null, TimeSpan.FromSeconds(30), "rm", "-f", Name);

    public void Dispose() => Stop();
}
