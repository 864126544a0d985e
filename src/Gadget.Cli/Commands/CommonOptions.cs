using System.CommandLine;

namespace Gadget.Cli.Commands;

/// <summary>Options that every gadget command shares, defined once.</summary>
internal static class CommonOptions
{
    public static Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: columns (default), json, or columns=<col1>,<col2>,... (also custom-columns=...)",
        DefaultValueFactory = _ => "columns",
        HelpName = "format",
    };

    public static Option<int> Timeout { get; } = new("--timeout")
    {
        Description = "Number of seconds that the gadget will run for (0: until Ctrl-C)",
        DefaultValueFactory = _ => 0,
        HelpName = "seconds",
    };

    public static Option<string> RingSize { get; } = new("--ring-size")
    {
        Description = "Size of the kernel ring buffer for events (power of two; K and M suffixes allowed)",
        DefaultValueFactory = _ => "8M",
        HelpName = "bytes",
    };

    public static Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Print debug information (libbpf log, timings) on standard error",
        Recursive = true,
    };

    /// <summary>The options a gadget command gets besides its own parameters.</summary>
    public static IEnumerable<Option> ForGadgets() => [Output, Timeout, RingSize];
}
