namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>Runs the published ig binary through a shell, for what a Process cannot set up:
/// a closed stdout (`>&-`), `2>/dev/full`, output into a file read back as bytes.</summary>
internal static class IgShell
{
    /// <summary>Runs `ig ARGS REDIRECTIONS` and returns its exit code and output.</summary>
    public static (int ExitCode, string Output, string Error) Run(string redirections, TimeSpan timeout, params string[] args) =>
        Shell.TryRun("sh", null, timeout, ["-c", $"exec \"$0\" \"$@\" {redirections}", Paths.IgBinary, .. args]);
}
