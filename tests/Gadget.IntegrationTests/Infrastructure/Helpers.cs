namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>Small C programs the tests need to drive exact system calls, compiled once per run.</summary>
internal static class Helpers
{
    private static readonly Lazy<string> OpenerPath = new(() => Compile("opener"));
    // Static: it also runs inside the busybox test containers (the DNS burst).
    private static readonly Lazy<string> DnsBurstPath = new(() => Compile("dnsburst", "-static"));
    // Static: it also runs inside the busybox test containers, which have no libc.
    private static readonly Lazy<string> FsOpsPath = new(() => Compile("fsops", "-static", "-pthread"));
    // Static, so the same binary runs in a busybox container (DockerSite mounts its directory).
    private static readonly Lazy<string> SocketsPath = new(() => Compile("sockets", "-static"));

    /// <summary>Path of the opener helper (see Helpers/opener.c).</summary>
    public static string Opener => OpenerPath.Value;

    /// <summary>Path of the DNS query sender (see Helpers/dnsburst.c).</summary>
    public static string DnsBurst => DnsBurstPath.Value;

    /// <summary>Path of the fsops helper (see Helpers/fsops.c).</summary>
    public static string FsOps => FsOpsPath.Value;

    /// <summary>Path of the sockets helper (see Helpers/sockets.c).</summary>
    public static string Sockets => SocketsPath.Value;

    // Static: it also runs inside the busybox test containers.
    private static readonly Lazy<string> HogPath = new(() => Compile("hog", "-static"));

    /// <summary>Path of the hog helper, which uses memory (see Helpers/hog.c).</summary>
    public static string Hog => HogPath.Value;

    private static readonly Lazy<string> SignalerPath = new(() => Compile("signaler"));

    /// <summary>Path of the signaler helper, which sends known signals (see Helpers/signaler.c).</summary>
    public static string Signaler => SignalerPath.Value;

    private static string Compile(string name, params string[] flags)
    {
        var source = Path.Combine(Paths.RepoRoot, "tests", "Gadget.IntegrationTests", "Helpers", name + ".c");
        var dir = Path.Combine(Path.GetTempPath(), "igt-helpers");
        Directory.CreateDirectory(dir);
        var output = Path.Combine(dir, name);
        Shell.Run("gcc", ["-O2", .. flags, "-o", output, source]);
        return output;
    }
}
