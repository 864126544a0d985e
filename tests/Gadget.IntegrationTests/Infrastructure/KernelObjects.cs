using System.Text.Json;
using Gadget.Native;
using Gadget.Gadgets;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>Lists BPF programs and maps of ours that are loaded in the kernel, with bpftool
/// (an independent witness: not our own binding).</summary>
internal static class KernelObjects
{
    // The kernel keeps BPF_OBJ_NAME_LEN - 1 characters of a program's or map's name.
    private const int KernelNameLength = 15;

    private static readonly (HashSet<string> Programs, HashSet<string> Maps) OurNames = CollectNames();

    /// <summary>Opens a BPF object the tests embed (Bpf/&lt;file&gt;.bpf.c), under the name the
    /// kernel then sees as the prefix of its internal maps.</summary>
    public static BpfObject OpenTestObject(string file)
    {
        using var stream = typeof(KernelObjects).Assembly.GetManifestResourceStream($"bpf/{file}.bpf.o")
            ?? throw new InvalidOperationException($"the test BPF object {file}.bpf.o is not embedded");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return BpfObject.Open(bytes, "igt_" + file);
    }

    /// <summary>The names, as the kernel shows them, of every program and map in every gadget's
    /// object and in the tests' own objects. Internal maps are named by libbpf after the object
    /// ("ig_open.rodata"), so they are taken from the opened object too.</summary>
    private static (HashSet<string> Programs, HashSet<string> Maps) CollectNames()
    {
        var objects = EmbeddedBpf.Names.Select(EmbeddedBpf.Open).ToList();
        foreach (var resource in typeof(KernelObjects).Assembly.GetManifestResourceNames())
        {
            if (resource.StartsWith("bpf/", StringComparison.Ordinal) && resource.EndsWith(".bpf.o", StringComparison.Ordinal))
                objects.Add(OpenTestObject(resource["bpf/".Length..^".bpf.o".Length]));
        }
        try
        {
            return (objects.SelectMany(o => o.Programs).Select(p => KernelName(p.Name)).ToHashSet(),
                    objects.SelectMany(o => o.Maps).Select(m => KernelName(m.Name)).ToHashSet());
        }
        finally
        {
            objects.ForEach(o => o.Dispose());
        }
    }

    private static string KernelName(string name) => name.Length > KernelNameLength ? name[..KernelNameLength] : name;

    /// <summary>Our programs and maps that are leaked: held by no process at all, or still held by
    /// this test process. Objects that another live process holds (another test run on this
    /// machine), directly or through a program of its that uses them, are not ours to judge.</summary>
    public static List<string> Leftovers() => LeftoverObjects().Select(o => $"{o.Kind} {o.Name} (id {o.Id})").ToList();

    /// <summary>A program or map loaded in the kernel.</summary>
    public sealed record KernelObject(string Kind, string Name, int Id);

    /// <summary>What <see cref="Leftovers"/> reports, as objects.</summary>
    public static List<KernelObject> LeftoverObjects()
    {
        // Listed before the holders are read: an object another run loads in between is then
        // either absent from the listing or seen with its holder, never as held by nobody.
        using var programs = JsonDocument.Parse(Shell.Run("bpftool", "-j", "prog", "show"));
        using var maps = JsonDocument.Parse(Shell.Run("bpftool", "-j", "map", "show"));
        var (progHolders, mapHolders) = Holders();
        var leftovers = new List<KernelObject>();
        foreach (var p in programs.RootElement.EnumerateArray())
        {
            var id = p.GetProperty("id").GetInt32();
            if (p.TryGetProperty("name", out var name) && OurNames.Programs.Contains(name.GetString()!) && IsLeaked(progHolders, id))
                leftovers.Add(new("program", name.GetString()!, id));
            // A map that a held program uses lives as long as that program: its holders hold it too.
            if (progHolders.TryGetValue(id, out var pids) && p.TryGetProperty("map_ids", out var mapIds))
            {
                foreach (var mapId in mapIds.EnumerateArray())
                    AddHolders(mapHolders, mapId.GetInt32(), pids);
            }
        }

        foreach (var m in maps.RootElement.EnumerateArray())
        {
            var id = m.GetProperty("id").GetInt32();
            if (m.TryGetProperty("name", out var name) && OurNames.Maps.Contains(name.GetString()!) && IsLeaked(mapHolders, id))
                leftovers.Add(new("map", name.GetString()!, id));
        }
        return leftovers;
    }

    private static void AddHolders(Dictionary<int, HashSet<int>> holders, int id, HashSet<int> pids)
    {
        if (!holders.TryGetValue(id, out var known))
            holders[id] = known = [];
        known.UnionWith(pids);
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

    /// <summary>Map ids that process <paramref name="pid"/> holds.</summary>
    public static List<int> MapsHeldBy(int pid) =>
        Holders().Maps.Where(h => h.Value.Contains(pid)).Select(h => h.Key).ToList();

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
