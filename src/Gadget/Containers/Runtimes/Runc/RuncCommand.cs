namespace Gadget.Containers.Runtimes.Runc;

/// <summary>What a runc invocation does, from its arguments: the subcommand, the container id
/// and the state directory (--root).</summary>
public sealed record RuncCommand(string Subcommand, string ContainerId, string Root)
{
    /// <summary>runc's default state directory for root.</summary>
    public const string DefaultRoot = "/run/runc";

    // Global flags that take a value ("--root X" or "--root=X").
    private static readonly HashSet<string> GlobalFlagsWithValue = ["--root", "--log", "--log-format", "--criu", "--rootless"];
    private static readonly HashSet<string> Subcommands = ["create", "start", "run", "exec", "delete", "kill", "state", "pause", "resume", "update", "ps", "events", "checkpoint", "restore", "list", "spec", "features"];

    /// <summary>Parses argv (argv[0] is the runc binary); null when it is not a runc command line.</summary>
    public static RuncCommand? TryParse(IReadOnlyList<string> argv)
    {
        var binary = Path.GetFileName(argv[0]);
        if (argv.Count < 2 || (binary != "runc" && !binary.EndsWith("-runc", StringComparison.Ordinal)))
            return null;
        var root = DefaultRoot;
        var i = 1;
        for (; i < argv.Count; i++)
        {
            var arg = argv[i];
            if (Subcommands.Contains(arg))
                break;
            if (arg.StartsWith("--root=", StringComparison.Ordinal))
                root = arg["--root=".Length..];
            else if (arg == "--root" && i + 1 < argv.Count)
                root = argv[++i];
            else if (GlobalFlagsWithValue.Contains(arg))
                i++;
        }
        if (i >= argv.Count)
            return null;
        // The container id is the last argument that is not a flag.
        var id = argv.Count > i + 1 && !argv[^1].StartsWith('-') ? argv[^1] : "";
        return new RuncCommand(argv[i], id, root);
    }
}
