using System.CommandLine;
using System.CommandLine.Parsing;

namespace Gadget.Cli.Commands;

/// <summary>--timeout, read in one place for the gadgets and list-containers: whole seconds as
/// the reference's int flag, 0 (the default) for none.</summary>
internal static class TimeoutOption
{
    /// <summary>The longest wait a CancellationTokenSource can time (uint.MaxValue - 1
    /// milliseconds, about 49 days), in whole seconds.</summary>
    public const int MaxSeconds = 4_294_967;

    /// <summary>A TimeSpan rather than a TimeSpan?: System.CommandLine takes a null from a
    /// custom parser for "not parsed" and converts the text itself. Zero stands for none.</summary>
    public static Option<TimeSpan> Create() => new("--timeout")
    {
        Description = "Number of seconds that the gadget will run for (0: until Ctrl-C)",
        HelpName = "seconds",
        CustomParser = Parse,
    };

    /// <summary>The timeout given, null for none.</summary>
    public static TimeSpan? Value(ParseResult result) =>
        result.GetValue(CommonOptions.Timeout) is var timeout && timeout > TimeSpan.Zero ? timeout : null;

    private static TimeSpan Parse(ArgumentResult result) =>
        TimeSpan.FromSeconds(FlagValues.WholeNumber(result, "--timeout", 0, MaxSeconds, $"a whole number of seconds up to {MaxSeconds}, or 0 for no timeout") ?? 0);
}
