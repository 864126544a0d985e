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

    // Static: it also runs inside the busybox test containers.
    private static readonly Lazy<string> TopIoPath = new(() => Compile("topio", "-static"));

    /// <summary>Path of the topio helper, exact file and TCP traffic for the top gadgets (see Helpers/topio.c).</summary>
    public static string TopIo => TopIoPath.Value;

    private static readonly Lazy<string> SignalerPath = new(() => Compile("signaler"));

    /// <summary>Path of the signaler helper, which sends known signals (see Helpers/signaler.c).</summary>
    public static string Signaler => SignalerPath.Value;

    // Static, with threads: it also runs inside the busybox test containers.
    private static readonly Lazy<string> SnapshotPath = new(() => Compile("snapshot", "-static", "-pthread"));

    /// <summary>Path of the snapshot helper, which makes threads and sockets to list (see Helpers/snapshot.c).</summary>
    public static string Snapshot => SnapshotPath.Value;

    private static readonly Lazy<string> TlsHelloPath = new(() => Compile("tlshello"));

    /// <summary>Path of the tlshello helper, which sends a ClientHello in chosen pieces (see Helpers/tlshello.c).</summary>
    public static string TlsHello => TlsHelloPath.Value;

    /// <summary>The one directory all helpers of this checkout are built into (containers mount it
    /// whole), named after the helpers' sources and this file (their flags): test runs of other
    /// checkouts share /tmp, and must neither run nor overwrite a binary built from another version.</summary>
    private static readonly Lazy<string> Directory = new(() =>
    {
        var tests = Path.Combine(Paths.RepoRoot, "tests", "Gadget.IntegrationTests");
        var inputs = System.IO.Directory.GetFiles(Path.Combine(tests, "Helpers"), "*.c")
            .Append(Path.Combine(tests, "Infrastructure", "Helpers.cs"))
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllText);
        var version = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(string.Join('\0', inputs))))[..12];
        return System.IO.Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "igt-helpers", version)).FullName;
    });

    private static string Compile(string name, params string[] flags)
    {
        var source = Path.Combine(Paths.RepoRoot, "tests", "Gadget.IntegrationTests", "Helpers", name + ".c");
        // The file keeps the helper's name, which tests expect as the comm of its events.
        var output = Path.Combine(Directory.Value, name);
        // Built aside and renamed into place, so a concurrent run never sees half a binary.
        var building = Path.Combine(Directory.Value, $".{name}.{Environment.ProcessId}");
        Shell.Run("gcc", ["-O2", .. flags, "-o", building, source]);
        File.Move(building, output, overwrite: true);
        return output;
    }
}
