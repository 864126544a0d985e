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

    /// <summary>Our programs and maps (internal maps are named "ig_&lt;gadget&gt;.rodata" etc.) that
    /// are leaked: held by no process at all, or still held by this test process. Objects
    /// that another live process holds (another test run on this machine) are not ours to judge.</summary>
    public static List<string> Leftovers()
    {
        var (progHolders, mapHolders) = Holders();
        var leftovers = new List<string>();
        using (var programs = JsonDocument.Parse(Shell.Run("bpftool", "-j", "prog", "show")))
        {
            foreach (var p in programs.RootElement.EnumerateArray())
            {
                var id = p.GetProperty("id").GetInt32();
                if (p.TryGetProperty("name", out var name) && OurPrograms.Contains(name.GetString()!) && IsLeaked(progHolders, id))
                    leftovers.Add($"program {name.GetString()} (id {id})");
            }
        }
        using (var maps = JsonDocument.Parse(Shell.Run("bpftool", "-j", "map", "show")))
        {
            foreach (var m in maps.RootElement.EnumerateArray())
            {
                var id = m.GetProperty("id").GetInt32();
                if (m.TryGetProperty("name", out var name) && name.GetString()!.StartsWith("ig_", StringComparison.Ordinal) && IsLeaked(mapHolders, id))
                    leftovers.Add($"map {name.GetString()} (id {id})");
            }
        }
        return leftovers;
    }

    /// <summary>The keys of the mount-namespace filter maps this test process holds, read with
    /// bpftool (not our binding), so the test sees what the kernel sees.</summary>
    public static HashSet<ulong> MountNamespaceFilterKeys()
    {
        var ours = Holders().Maps.Where(h => h.Value.Contains(Environment.ProcessId)).Select(h => h.Key).ToHashSet();
        var keys = new HashSet<ulong>();
        using var maps = JsonDocument.Parse(Shell.Run("bpftool", "-j", "map", "show"));
        foreach (var m in maps.RootElement.EnumerateArray())
        {
            var id = m.GetProperty("id").GetInt32();
            if (!ours.Contains(id) || m.GetProperty("name").GetString() != "mntns_filter")
                continue;
            using var dump = JsonDocument.Parse(Shell.Run("bpftool", "-j", "map", "dump", "id", id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            foreach (var entry in dump.RootElement.EnumerateArray())
            {
                var bytes = entry.GetProperty("key").EnumerateArray().Select(b => Convert.ToByte(b.GetString(), 16)).ToArray();
                keys.Add(BitConverter.ToUInt64(bytes));
            }
        }
        return keys;
    }

    /// <summary>Program ids that process <paramref name="pid"/> holds.</summary>
    public static List<int> HeldBy(int pid) =>
        Holders().Programs.Where(h => h.Value.Contains(pid)).Select(h => h.Key).ToList();

    private static bool IsLeaked(Dictionary<int, HashSet<int>> holders, int id) =>
        !holders.TryGetValue(id, out var pids) || pids.Contains(Environment.ProcessId);

    /// <summary>Which processes hold which program and map ids, from /proc/*/fdinfo
    /// (a link's fdinfo names its program too).</summary>
    private static (Dictionary<int, HashSet<int>> Programs, Dictionary<int, HashSet<int>> Maps) Holders()
    {
        var programs = new Dictionary<int, HashSet<int>>();
        var maps = new Dictionary<int, HashSet<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            IEnumerable<string> infos;
            try
            {
                infos = Directory.EnumerateFiles(Path.Combine(dir, "fdinfo")).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (var info in infos)
            {
                string text;
                try
                {
                    text = File.ReadAllText(info);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue;
                }
                foreach (var line in text.Split('\n'))
                {
                    if (line.StartsWith("prog_id:", StringComparison.Ordinal))
                        Add(programs, line, pid);
                    else if (line.StartsWith("map_id:", StringComparison.Ordinal))
                        Add(maps, line, pid);
                }
            }
        }
        return (programs, maps);

        static void Add(Dictionary<int, HashSet<int>> into, string line, int pid)
        {
            var id = int.Parse(line[(line.IndexOf(':') + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            if (!into.TryGetValue(id, out var pids))
                into[id] = pids = [];
            pids.Add(pid);
        }
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
