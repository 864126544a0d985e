using Gadget.Native;

namespace Gadget.Gadgets.Top;

/// <summary>The two stats hash maps of a top program ("stats_a", "stats_b") and the one-slot
/// map of maps ("current_stats") that says which of them the programs add to. Reading an
/// interval points the slot at the other map first: the kernel returns from that update only
/// once no program still runs with the old map (it does so for every map-of-maps update), so
/// the old map is then read and emptied with nobody writing to it. With a lookup-and-delete
/// of a map in use, an increment made between a program's lookup and the delete would be lost
/// or, if the element is reused, land in another row.</summary>
public sealed class AlternatingStatsMaps
{
    private readonly BpfMap _current;
    private readonly BpfMap[] _stats;
    private int _active;

    public AlternatingStatsMaps(BpfObject bpf)
    {
        _current = bpf.Map("current_stats");
        _stats = [bpf.Map("stats_a"), bpf.Map("stats_b")];
    }

    /// <summary>Ends the interval: the programs move to the other map, and every entry of the
    /// one they left is moved into <paramref name="entries"/> (cleared first).</summary>
    public void TakeInterval<TKey, TValue>(List<KeyValuePair<TKey, TValue>> entries)
        where TKey : unmanaged where TValue : unmanaged
    {
        var idle = _stats[_active];
        _active ^= 1;
        _current.Update(0u, _stats[_active].Fd);
        entries.Clear();
        // Nobody writes to the idle map now: one batched read-and-delete empties it.
        idle.TakeAll(entries);
    }
}
