using System.CommandLine;
using System.Globalization;
using Gadget.Cli.Handlers;
using Gadget.Gadgets;
using Gadget.Output;

namespace Gadget.Cli.Commands;

/// <summary>Builds the command of one gadget: its parameters as options (an interval gadget's
/// interval also as its positional argument, `ig top file 5`), plus the common ones, mapped to
/// <see cref="GadgetArgs"/> for the handler.</summary>
internal static class GadgetCommand
{
    public static Command Create(GadgetDefinition gadget, ICliConsole console, string? name = null)
    {
        var command = new Command(name ?? gadget.Name, gadget.Description);
        if (name is null)
        {
            foreach (var alias in gadget.Aliases)
                command.Aliases.Add(alias);
        }
        var parameterOptions = gadget.Parameters.Select(p => (Parameter: p, Option: ParameterOption.Create(p))).ToArray();
        foreach (var (_, option) in parameterOptions)
            command.Options.Add(option);
        foreach (var option in CommonOptions.ForGadgets(gadget.Kind))
            command.Options.Add(option);
        var interval = gadget.Kind == GadgetKind.Interval ? IntervalArgument() : null;
        if (interval is not null)
            command.Arguments.Add(interval);

        command.SetAction(result =>
        {
            var values = new List<KeyValuePair<string, string>>();
            foreach (var (parameter, option) in parameterOptions)
            {
                if (result.GetResult(option) is { Implicit: false } optionResult)
                    values.Add(new(parameter.Key, ValueText(optionResult.GetValueOrDefault<object>())));
            }
            if (interval is not null && result.GetValue(interval) is { } seconds && !values.Any(v => v.Key == FrameParameters.Interval))
                values.Add(new(FrameParameters.Interval, seconds));
            var args = new GadgetArgs(
                gadget,
                new ParameterValues(gadget.Parameters, values),
                OutputFormat.Parse(result.GetValue(CommonOptions.Output)!),
                TimeoutOption.Value(result),
                gadget.Kind == GadgetKind.Stream ? ParseSize(result.GetValue(CommonOptions.RingSize)!) : Runtime.RunOptions.DefaultRingBufferBytes,
                result.GetValue(CommonOptions.Verbose),
                ContainerArgs.From(result));
            return RemoteOptions.Target(result) is { } remote ? RemoteGadgetHandler.Run(args, remote, console) : GadgetHandler.Run(args, console);
        });
        return command;
    }

    /// <summary>`ig top file 5`: the interval in seconds, as the reference's top commands take it.</summary>
    private static Argument<string?> IntervalArgument() => new("interval")
    {
        Description = "Interval in seconds (same as --interval)",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static string ValueText(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        string[] list => string.Join(',', list),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>"8M", "512K", "4096" to bytes.</summary>
    internal static uint ParseSize(string text)
    {
        var trimmed = text.Trim();
        ulong multiplier = 1;
        if (trimmed.EndsWith('K') || trimmed.EndsWith('k'))
            multiplier = 1024;
        else if (trimmed.EndsWith('M') || trimmed.EndsWith('m'))
            multiplier = 1024 * 1024;
        var digits = multiplier == 1 ? trimmed : trimmed[..^1];
        if (!ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value * multiplier > uint.MaxValue / 2 + 1)
            throw new GadgetException($"invalid --ring-size \"{text}\": expected bytes such as 4096, 512K or 8M");
        return (uint)(value * multiplier);
    }
}
