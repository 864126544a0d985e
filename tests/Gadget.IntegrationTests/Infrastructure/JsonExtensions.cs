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

    public static bool IsEvent(this JsonElement e) => e.Str("type") == "normal";
}
