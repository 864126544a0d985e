using System.CommandLine;
using System.Globalization;
using Gadget.Cli.Handlers;
using Gadget.Gadgets;
using Gadget.Output;

namespace Gadget.Cli.Commands;

/// <summary>Builds the command of one trace gadget: its own parameters as options, plus the
/// common ones, mapped to <see cref="TraceArgs"/> for the handler.</summary>
internal static class GadgetCommand
{
    public static Command Create(TraceGadget gadget, ICliConsole console)
    {
        var command = new Command(gadget.Name, gadget.Description);
        foreach (var alias in gadget.Aliases)
            command.Aliases.Add(alias);
        var parameterOptions = gadget.Parameters.Select(p => (Parameter: p, Option: ParameterOption.Create(p))).ToArray();
        foreach (var (_, option) in parameterOptions)
            command.Options.Add(option);
        foreach (var option in CommonOptions.ForGadgets())
            command.Options.Add(option);

        command.SetAction(result =>
        {
            var values = new List<KeyValuePair<string, string>>();
            foreach (var (parameter, option) in parameterOptions)
            {
                if (result.GetResult(option) is { Implicit: false } optionResult)
                    values.Add(new(parameter.Key, ValueText(optionResult.GetValueOrDefault<object>())));
            }
            var args = new TraceArgs(
                gadget,
                new ParameterValues(gadget.Parameters, values),
                OutputFormat.Parse(result.GetValue(CommonOptions.Output)!),
                TimeoutOption.Value(result),
                ParseSize(result.GetValue(CommonOptions.RingSize)!),
                result.GetValue(CommonOptions.Verbose),
                ContainerArgs.From(result));
            return TraceHandler.Run(args, console);
        });
        return command;
    }

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
