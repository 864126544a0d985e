namespace Gadget.Native;

/// <summary>Reads a BPF_MAP_TYPE_STACK_TRACE map, where bpf_get_stackid() keeps stacks: the id
/// it returned gives the stack's instruction pointers, leaf first, zero-padded to the map's depth.</summary>
public static unsafe class StackTraceMap
{
    private const int ENOENT = 2;

    /// <summary>How many addresses a stack of <paramref name="map"/> holds at most.</summary>
    public static int Depth(BpfMap map) => map.ValueSize / sizeof(ulong);

    /// <summary>Copies stack <paramref name="id"/> into <paramref name="frames"/> (at least
    /// <see cref="Depth"/> long) and returns how many addresses it has; -1 when the map holds no
    /// stack of that id.</summary>
    public static int Read(BpfMap map, uint id, Span<ulong> frames)
    {
        var depth = Depth(map);
        if (frames.Length < depth)
            throw new ArgumentException($"a stack of map {map.Name} takes {depth} addresses", nameof(frames));
        fixed (ulong* value = frames)
        {
            var result = Interop.Libbpf.bpf_map__lookup_elem(map.Pointer, &id, sizeof(uint), value, (nuint)(depth * sizeof(ulong)), 0);
            if (result == -ENOENT)
                return -1;
            LibbpfException.ThrowIfError(result, $"reading stack {id} of map {map.Name}");
        }
        var count = frames[..depth].IndexOf(0UL);
        return count < 0 ? depth : count;
    }
}
