using System.Text.Json;
using Gadget.Runtime;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>Lists BPF programs and maps of ours that are loaded in the kernel, with bpftool
/// (an independent witness: not our own binding).</summary>
internal static class KernelObjects
{
    private static readonly HashSet<string> OurPrograms = GadgetCatalog.TraceGadgets
        .SelectMany(g =>
        {
            using var bpf = g.OpenObject();
            return bpf.Programs.Select(p => p.Name).ToList();
        })
        .Select(name => name.Length > 15 ? name[..15] : name) // the kernel keeps BPF_OBJ_NAME_LEN - 1 characters
        .ToHashSet();

    /// <summary>Our programs and maps (maps are named "ig_&lt;gadget&gt;..." or after the program's maps) still loaded.</summary>
    public static List<string> Leftovers()
    {
        var leftovers = new List<string>();
        using (var programs = JsonDocument.Parse(Shell.Run("bpftool", "-j", "prog", "show")))
        {
            foreach (var p in programs.RootElement.EnumerateArray())
            {
                if (p.TryGetProperty("name", out var name) && OurPrograms.Contains(name.GetString()!))
                    leftovers.Add($"program {name.GetString()} (id {p.GetProperty("id").GetInt32()})");
            }
        }
        using (var maps = JsonDocument.Parse(Shell.Run("bpftool", "-j", "map", "show")))
        {
            foreach (var m in maps.RootElement.EnumerateArray())
            {
                if (m.TryGetProperty("name", out var name) && name.GetString()!.StartsWith("ig_", StringComparison.Ordinal))
                    leftovers.Add($"map {name.GetString()} (id {m.GetProperty("id").GetInt32()})");
            }
        }
        return leftovers;
    }

    /// <summary>Waits (the kernel frees objects asynchronously) until nothing of ours is loaded.</summary>
    public static void AssertNoneLoaded()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        List<string> leftovers;
        do
        {
            leftovers = Leftovers();
            if (leftovers.Count == 0)
                return;
            Thread.Sleep(100);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail("still loaded: " + string.Join(", ", leftovers));
    }
}
