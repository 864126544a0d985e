namespace Gadget.Gadgets;

/// <summary>The type of a gadget parameter's value.</summary>
public enum ParameterKind
{
    Bool,
    String,
    StringList,
    UInt,
    Int,
}

/// <summary>A flag a gadget accepts (e.g. --failed for trace open). Values travel as strings,
/// so the same definition serves the CLI and remote runs.</summary>
/// <param name="Key">The long flag name without dashes.</param>
/// <param name="Description">One line of help.</param>
/// <param name="Kind">How the value is parsed.</param>
/// <param name="Alias">A one-letter short flag, if any.</param>
/// <param name="DefaultValue">The value when the flag is absent.</param>
public sealed record GadgetParameter(
    string Key,
    string Description,
    ParameterKind Kind,
    char? Alias = null,
    string? DefaultValue = null)
{
    /// <summary>Values a string parameter may take, when only some are valid.</summary>
    public IReadOnlyList<string>? AllowedValues { get; init; }

    /// <summary>Checks a value beyond its kind: returns what was expected (for the error line)
    /// when the value is bad, null when it is good. Runs before anything is loaded.</summary>
    public Func<string, string?>? Validator { get; init; }

    /// <summary>The value is a path the gadget writes to where its output is rendered (a flame
    /// graph): a remote run writes the file on the client, not on the node.</summary>
    public bool IsOutputFile { get; init; }
}
