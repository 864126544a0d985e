using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Profile;

/// <summary>The CPU burner of the profile tests (Helpers/cpuburn.c): named functions that are
/// never inlined, frame pointers kept, symbols kept, linked as a static PIE so that it runs in
/// the busybox containers (no libc there) and is loaded at a random address like any PIE.</summary>
internal static class CpuBurner
{
    public const string Comm = "cpuburn";

    /// <summary>The flags the helper is built with: they decide what a walk by frame pointers can see.</summary>
    public static readonly string[] Flags = ["-O1", "-fno-omit-frame-pointer", "-fno-inline", "-static-pie"];

    private static readonly Lazy<string> PathValue = new(Compile);

    /// <summary>The host copy, which tests copy into containers (never run there from this path).</summary>
    public static string HostPath => PathValue.Value;

    private static string Compile()
    {
        var source = System.IO.Path.Combine(Paths.RepoRoot, "tests", "Gadget.IntegrationTests", "Helpers", "cpuburn.c");
        // Runs of other checkouts share /tmp: a directory per version of the source and flags.
        var version = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(File.ReadAllText(source) + string.Join(' ', Flags))))[..12];
        var dir = Directory.CreateDirectory(System.IO.Path.Combine("/tmp", "igt-helpers", "cpuburn-" + version)).FullName;
        var output = System.IO.Path.Combine(dir, Comm);
        if (File.Exists(output))
            return output;
        var building = System.IO.Path.Combine(dir, $".{Comm}.{Environment.ProcessId}");
        Shell.Run("gcc", [.. Flags, "-o", building, source]);
        File.Move(building, output, overwrite: true);
        return output;
    }
}
