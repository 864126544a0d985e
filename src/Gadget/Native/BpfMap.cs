using System.Runtime.InteropServices;

namespace Gadget.Native;

/// <summary>A map of a <see cref="BpfObject"/>: sized before load, read and written after.</summary>
public sealed unsafe partial class BpfMap
{
    private const int ENOENT = 2;
    private readonly BpfObject _owner;

    internal BpfMap(BpfObject owner, IntPtr map)
    {
        _owner = owner;
        Pointer = map;
        Name = Marshal.PtrToStringUTF8((IntPtr)Interop.Libbpf.bpf_map__name(map)) ?? "";
    }

    internal IntPtr Pointer { get; }

    public string Name { get; }

    public int Fd => Interop.Libbpf.bpf_map__fd(Pointer);

    public int KeySize => (int)Interop.Libbpf.bpf_map__key_size(Pointer);

    public int ValueSize => (int)Interop.Libbpf.bpf_map__value_size(Pointer);

    /// <summary>Entries (bytes for a ring buffer); settable until the object loads.</summary>
    public uint MaxEntries
    {
        get => Interop.Libbpf.bpf_map__max_entries(Pointer);
        set
        {
            _owner.ThrowIfLoaded();
            LibbpfException.ThrowIfError(Interop.Libbpf.bpf_map__set_max_entries(Pointer, value), $"sizing map {Name}");
        }
    }

    public static int PossibleCpuCount { get; } = Interop.Libbpf.libbpf_num_possible_cpus();

    public bool TryLookup<TKey, TValue>(in TKey key, out TValue value) where TKey : unmanaged where TValue : unmanaged
    {
        value = default;
        fixed (TKey* k = &key)
        fixed (TValue* v = &value)
        {
            var result = Interop.Libbpf.bpf_map__lookup_elem(Pointer, k, (nuint)sizeof(TKey), v, (nuint)sizeof(TValue), 0);
            if (result == -ENOENT)
                return false;
            LibbpfException.ThrowIfError(result, $"looking up in map {Name}");
            return true;
        }
    }

    public void Update<TKey, TValue>(in TKey key, in TValue value) where TKey : unmanaged where TValue : unmanaged
    {
        fixed (TKey* k = &key)
        fixed (TValue* v = &value)
            LibbpfException.ThrowIfError(
                Interop.Libbpf.bpf_map__update_elem(Pointer, k, (nuint)sizeof(TKey), v, (nuint)sizeof(TValue), 0),
                $"updating map {Name}");
    }

    /// <summary>Updates an entry whose value is a raw byte block (e.g. a struct with a string).</summary>
    public void Update<TKey>(in TKey key, ReadOnlySpan<byte> value) where TKey : unmanaged
    {
        fixed (TKey* k = &key)
        fixed (byte* v = value)
            LibbpfException.ThrowIfError(
                Interop.Libbpf.bpf_map__update_elem(Pointer, k, (nuint)sizeof(TKey), v, (nuint)value.Length, 0),
                $"updating map {Name}");
    }

    /// <summary>Deletes an entry; false when there was none.</summary>
    public bool Delete<TKey>(in TKey key) where TKey : unmanaged
    {
        fixed (TKey* k = &key)
        {
            var result = Interop.Libbpf.bpf_map__delete_elem(Pointer, k, (nuint)sizeof(TKey), 0);
            if (result == -ENOENT)
                return false;
            LibbpfException.ThrowIfError(result, $"deleting from map {Name}");
            return true;
        }
    }

    /// <summary>All keys; a map that changes meanwhile may skip or repeat some.</summary>
    public List<TKey> Keys<TKey>() where TKey : unmanaged
    {
        var keys = new List<TKey>();
        TKey current = default, next = default;
        var first = true;
        while (true)
        {
            var result = first
                ? Interop.Libbpf.bpf_map__get_next_key(Pointer, null, &next, (nuint)sizeof(TKey))
                : Interop.Libbpf.bpf_map__get_next_key(Pointer, &current, &next, (nuint)sizeof(TKey));
            if (result == -ENOENT)
                return keys;
            LibbpfException.ThrowIfError(result, $"iterating map {Name}");
            keys.Add(next);
            current = next;
            first = false;
        }
    }

    /// <summary>Sums a per-CPU u64 value over all CPUs (counters such as lost events).</summary>
    public ulong SumPerCpu<TKey>(in TKey key) where TKey : unmanaged
    {
        var cpus = PossibleCpuCount;
        Span<ulong> values = cpus <= 256 ? stackalloc ulong[cpus] : new ulong[cpus];
        fixed (TKey* k = &key)
        fixed (ulong* v = values)
        {
            var result = Interop.Libbpf.bpf_map__lookup_elem(Pointer, k, (nuint)sizeof(TKey), v, (nuint)(cpus * sizeof(ulong)), 0);
            if (result == -ENOENT)
                return 0;
            LibbpfException.ThrowIfError(result, $"reading per-CPU map {Name}");
        }
        ulong sum = 0;
        foreach (var value in values)
            sum += value;
        return sum;
    }
}
