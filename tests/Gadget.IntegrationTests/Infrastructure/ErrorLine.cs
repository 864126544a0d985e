namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>How ig refuses bad input: exit code 1 (as the reference's on any error), exactly one
/// line on stderr that starts with "Error: ", and nothing left loaded in the kernel.</summary>
internal static class ErrorLine
{
    /// <summary>Runs the ig binary with <paramref name="args"/> and checks that it refused them so;
    /// returns the error line.</summary>
    public static string AssertRefused(params string[] args)
    {
        var result = Shell.TryRun(Paths.IgBinary, null, TimeSpan.FromSeconds(15), args);

        Assert.Equal(1, result.ExitCode);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("Error: ", line);
        KernelObjects.AssertNoneLoaded();
        return line;
    }
}
