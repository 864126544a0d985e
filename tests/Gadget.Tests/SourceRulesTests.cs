namespace Gadget.Tests;

/// <summary>Rules of the code base that the compiler does not enforce.</summary>
public class SourceRulesTests
{
    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "ig.slnx")))
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        return dir;
    }

    [Fact]
    public void Unsafe_code_and_native_calls_stay_in_the_bpf_folder()
    {
        var src = Path.Combine(RepoRoot(), "src");
        var bpf = Path.Combine(src, "Gadget", "Native") + Path.DirectorySeparatorChar;
        var offenders = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(bpf, StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .Where(f => File.ReadLines(f).Where(IsCode).Any(l => l.Contains("unsafe ", StringComparison.Ordinal) || l.Contains("[LibraryImport", StringComparison.Ordinal) || l.Contains("[DllImport", StringComparison.Ordinal)))
            .ToList();

        Assert.Empty(offenders);
    }

    /// <summary>Not a comment line: prose may say "unsafe" (escaping unsafe characters).</summary>
    private static bool IsCode(string line) => !line.TrimStart().StartsWith("//", StringComparison.Ordinal);
}
