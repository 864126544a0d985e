using System.Text.Json;

namespace Gadget.Containers.Runtimes;

/// <summary>Reads fields of a runtime's JSON answer without trusting its shape: a member that is
/// missing, null or of another type reads as absent, never as an exception. A runtime that
/// answers `{}`, `[{}]`, null ids or nonsense costs that container (or that runtime), not ig.</summary>
internal static class JsonFields
{
    /// <summary>The member <paramref name="name"/> of an object, if it has one.</summary>
    public static JsonElement? Member(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : null;

    /// <summary>The member as an object, or null.</summary>
    public static JsonElement? Object(this JsonElement element, string name) =>
        element.Member(name) is { ValueKind: JsonValueKind.Object } value ? value : null;

    /// <summary>The member as a string, or null (missing, null, a number...).</summary>
    public static string? String(this JsonElement element, string name) =>
        element.Member(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    /// <summary>The member as a 32-bit integer, or null.</summary>
    public static int? Int32(this JsonElement element, string name) =>
        element.Member(name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt32(out var number) ? number : null;

    /// <summary>The member as a boolean, or null.</summary>
    public static bool? Bool(this JsonElement element, string name) =>
        element.Member(name) is { ValueKind: JsonValueKind.True or JsonValueKind.False } value ? value.GetBoolean() : null;
}
