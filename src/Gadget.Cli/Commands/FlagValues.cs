using System.CommandLine.Parsing;
using System.Globalization;

namespace Gadget.Cli.Commands;

/// <summary>Reading flag values with parsers of our own, so that a bad value is one line that
/// names the flag and what it expects, rather than System.CommandLine's type names.</summary>
internal static class FlagValues
{
    /// <summary>The flag's value as a whole number from <paramref name="min"/> to
    /// <paramref name="max"/>; null, with the error added, for anything else.</summary>
    public static long? WholeNumber(ArgumentResult result, string name, long min, long max, string expected)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        result.AddError(Invalid(text, name, expected));
        return null;
    }

    public static string Invalid(string text, string name, string expected) => $"invalid value \"{text}\" for {name}: expected {expected}";
}
