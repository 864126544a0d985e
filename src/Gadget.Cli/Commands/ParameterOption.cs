using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Gadget.Gadgets;

namespace Gadget.Cli.Commands;

/// <summary>Turns a gadget parameter into a command-line option. Typed parameters are string
/// options with a parser of our own (<see cref="FlagValues"/>), so a bad value is one line that
/// names the flag and what it expects, rather than System.CommandLine's type names or an
/// "unrecognized argument".</summary>
internal static class ParameterOption
{
    public static Option Create(GadgetParameter parameter)
    {
        var name = "--" + parameter.Key;
        var aliases = parameter.Alias is { } alias ? new[] { "-" + alias } : [];
        Option option = parameter.Kind switch
        {
            ParameterKind.Bool => Flag(name, aliases),
            ParameterKind.UInt => new Option<string>(name, aliases)
            {
                CustomParser = result => WholeNumber(result, name, uint.MinValue, uint.MaxValue),
            },
            ParameterKind.Int => new Option<string>(name, aliases)
            {
                CustomParser = result => WholeNumber(result, name, int.MinValue, int.MaxValue),
            },
            ParameterKind.StringList => new Option<string[]>(name, aliases) { AllowMultipleArgumentsPerToken = false },
            _ => new Option<string>(name, aliases),
        };
        option.Description = parameter.Description;
        if (parameter.AllowedValues is { } allowed && option is Option<string> text)
            text.AcceptOnlyFromAmong([.. allowed]);
        return option;
    }

    /// <summary>A switch that also takes an explicit value (--audit-only=false). Not an
    /// Option&lt;bool&gt;: the parser leaves a value that is not a bool unconsumed
    /// (--audit-only=maybe is then "unrecognized argument 'maybe'"), whereas here every value
    /// reaches <see cref="Boolean"/>.</summary>
    private static Option<string> Flag(string name, string[] aliases)
    {
        var option = new Option<string>(name, aliases)
        {
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = result => Boolean(result, name),
        };
        // Help labels an option with its completions, and without any label when they are
        // none: "--paths", as for a bool option, rather than "--paths <paths>".
        option.CompletionSources.Add(static _ => []);
        return option;
    }

    private static string? Boolean(ArgumentResult result, string name)
    {
        if (result.Tokens.Count == 0)
            return "true";
        var text = result.Tokens[0].Value;
        if (bool.TryParse(text, out var value))
            return value ? "true" : "false";
        result.AddError(FlagValues.Invalid(text, name, "true or false"));
        return null;
    }

    private static string? WholeNumber(ArgumentResult result, string name, long min, long max) =>
        FlagValues.WholeNumber(result, name, min, max, string.Create(CultureInfo.InvariantCulture, $"a whole number from {min} to {max}"))
            ?.ToString(CultureInfo.InvariantCulture);
}
