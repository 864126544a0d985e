namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>Where the repository, the published ig binary and scratch space are.</summary>
internal static class Paths
{
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>The binary ./test published (IG_BINARY), else artifacts/bin/ig.</summary>
    public static string IgBinary
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("IG_BINARY") is { Length: > 0 } fromEnv
                ? fromEnv
                : Path.Combine(RepoRoot, "artifacts", "bin", "ig");
            if (!File.Exists(path))
                throw new InvalidOperationException($"ig binary not found at {path}: run ./test (it publishes it) or ./ig version");
            return path;
        }
    }

    /// <summary>A fresh directory under /tmp, removed by the caller.</summary>
    public static string NewTempDirectory(string parent = "/tmp")
    {
        var dir = Path.Combine(parent, "igt-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A short unique name, usable as a comm (at most 15 characters).</summary>
    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..(15 - prefix.Length)];

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "ig.slnx")))
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        return dir;
    }
}
