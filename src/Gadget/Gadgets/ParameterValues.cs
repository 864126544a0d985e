using System.Globalization;

namespace Gadget.Gadgets;

/// <summary>The parameter values of one run, as strings keyed by parameter name, with typed
/// accessors that turn bad input into a <see cref="GadgetException"/>.</summary>
public sealed class ParameterValues
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<GadgetParameter> _definitions;

    public ParameterValues(IReadOnlyList<GadgetParameter> definitions, IEnumerable<KeyValuePair<string, string>>? values = null)
    {
        _definitions = definitions;
        foreach (var (key, value) in values ?? [])
        {
            var definition = Find(key) ?? throw new GadgetException($"unknown parameter \"{key}\"");
            _values[key] = value;
            Validate(definition, value);
        }
    }

    public static ParameterValues Empty { get; } = new([]);

    public IReadOnlyDictionary<string, string> Raw => _values;

    public bool GetBool(string key)
    {
        var text = Get(key);
        if (string.IsNullOrEmpty(text))
            return false;
        return bool.TryParse(text, out var value) ? value : throw Invalid(key, text, "true or false");
    }

    public string? GetString(string key) => Get(key) is { Length: > 0 } text ? text : null;

    /// <summary>A comma-separated list, empty when unset.</summary>
    public IReadOnlyList<string> GetStringList(string key) =>
        Get(key) is { Length: > 0 } text
            ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];

    public uint GetUInt(string key)
    {
        var text = Get(key);
        if (string.IsNullOrEmpty(text))
            return 0;
        return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Invalid(key, text, "a non-negative integer");
    }

    public int GetInt(string key)
    {
        var text = Get(key);
        if (string.IsNullOrEmpty(text))
            return 0;
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Invalid(key, text, "an integer");
    }

    private string? Get(string key)
    {
        var definition = Find(key) ?? throw new ArgumentException($"the gadget defines no parameter {key}", nameof(key));
        return _values.TryGetValue(key, out var value) ? value : definition.DefaultValue;
    }

    private GadgetParameter? Find(string key) => _definitions.FirstOrDefault(d => d.Key == key);

    private void Validate(GadgetParameter definition, string value)
    {
        switch (definition.Kind)
        {
            case ParameterKind.Bool:
                GetBool(definition.Key);
                break;
            case ParameterKind.UInt:
                GetUInt(definition.Key);
                break;
            case ParameterKind.Int:
                GetInt(definition.Key);
                break;
        }
        if (definition.AllowedValues is { } allowed && value.Length > 0 && !allowed.Contains(value))
            throw Invalid(definition.Key, value, string.Join(", ", allowed));
        if (definition.Validator is { } validator && value.Length > 0 && validator(value) is { } expected)
            throw Invalid(definition.Key, value, expected);
    }

    private static GadgetException Invalid(string key, string text, string expected) =>
        new($"invalid value \"{text}\" for --{key}: expected {expected}");
}
