using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Profile;

/// <summary>Headless Chromium, to open what ig writes for a browser (the flame graph). Each run
/// has a profile directory of its own and no network: nothing but the file is loaded.</summary>
internal static class Chromium
{
    private const string Binary = "/usr/bin/chromium";

    private static string[] CommonArguments(string profile) =>
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        $"--user-data-dir={profile}",
    ];

    /// <summary>A screenshot of <paramref name="file"/> at 1200×800, as PNG bytes.</summary>
    public static byte[] Screenshot(string file)
    {
        var profile = Paths.NewTempDirectory();
        try
        {
            var png = Path.Combine(profile, "screenshot.png");
            Run([.. CommonArguments(profile), $"--screenshot={png}", "--window-size=1200,800", "file://" + file]);
            return File.ReadAllBytes(png);
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    /// <summary>The document's DOM after its scripts ran, serialized.</summary>
    public static string DumpDom(string file)
    {
        var profile = Paths.NewTempDirectory();
        try
        {
            return Run([.. CommonArguments(profile), "--dump-dom", "file://" + file]);
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    private static string Run(string[] arguments)
    {
        Assert.True(File.Exists(Binary), $"{Binary} not found: ./test installs it (apt-get install chromium)");
        var (exitCode, output, error) = Shell.TryRun(Binary, null, TimeSpan.FromMinutes(2), arguments);
        Assert.True(exitCode == 0, $"chromium failed ({exitCode}): {error}");
        return output;
    }
}
