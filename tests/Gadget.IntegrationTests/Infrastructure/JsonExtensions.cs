using System.Text.Json;

namespace Gadget.IntegrationTests.Infrastructure;

internal static class JsonExtensions
{
    public static string? Str(this JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static long Num(this JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;

    public static string[] Strings(this JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(v => v.GetString()!).ToArray()
            : [];

    /// <summary>A nested string such as ("k8s", "podName").</summary>
    public static string? Str(this JsonElement e, string parent, string name) =>
        e.TryGetProperty(parent, out var inner) ? inner.Str(name) : null;

    public static bool IsEvent(this JsonElement e) => e.Str("type") == "normal";
}
