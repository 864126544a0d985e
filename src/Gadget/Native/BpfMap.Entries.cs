namespace Gadget.Native;

/// <summary>Reading a map whole: what interval gadgets read (and reset) at each interval, and
/// what profiles read at the end.</summary>
public sealed unsafe partial class BpfMap
{
    private const int EINVAL = 22;
    private const int ENOTSUPP = 524;
    private const int EOPNOTSUPP = 95;

    /// <summary>Adds every entry to <paramref name="into"/> and deletes it from the map, in
    /// batches (one system call per batch, BPF_MAP_LOOKUP_AND_DELETE_BATCH), so that each entry
    /// is read exactly once and what the kernel adds meanwhile stays for the next read. Kernels
    /// without batch operations get the same result key by key. Returns the entries read.</summary>
    public int TakeAll<TKey, TValue>(List<KeyValuePair<TKey, TValue>> into) where TKey : unmanaged where TValue : unmanaged =>
        ReadEntries(into, delete: true);

    /// <summary>Adds every entry to <paramref name="into"/>, leaving the map as it is.</summary>
    public int ReadAll<TKey, TValue>(List<KeyValuePair<TKey, TValue>> into) where TKey : unmanaged where TValue : unmanaged =>
        ReadEntries(into, delete: false);

    private int ReadEntries<TKey, TValue>(List<KeyValuePair<TKey, TValue>> into, bool delete) where TKey : unmanaged where TValue : unmanaged
    {
        CheckSizes<TKey, TValue>();
        var batch = (int)Math.Clamp(MaxEntries, 1u, 4096u);
        var keys = new TKey[batch];
        var values = new TValue[batch];
        // The batch position is opaque: a bucket number for hash maps, a key for arrays.
        var position = stackalloc byte[Math.Max(KeySize, 8)];
        var next = stackalloc byte[Math.Max(KeySize, 8)];
        var opts = new Interop.Libbpf.bpf_map_batch_opts { sz = (nuint)sizeof(Interop.Libbpf.bpf_map_batch_opts) };
        var read = 0;
        var first = true;
        while (true)
        {
            var count = (uint)batch;
            int result;
            fixed (TKey* k = keys)
            fixed (TValue* v = values)
            {
                result = delete
                    ? Interop.Libbpf.bpf_map_lookup_and_delete_batch(Fd, first ? null : position, next, k, v, &count, &opts)
                    : Interop.Libbpf.bpf_map_lookup_batch(Fd, first ? null : position, next, k, v, &count, &opts);
            }
            if (first && result is -EINVAL or -ENOTSUPP or -EOPNOTSUPP)
                return ReadEntriesOneByOne(into, delete);
            if (result < 0 && result != -ENOENT)
                LibbpfException.ThrowIfError(result, $"reading map {Name}");
            for (var i = 0; i < count; i++)
                into.Add(new(keys[i], values[i]));
            read += (int)count;
            // ENOENT: the last batch (possibly empty) has been read.
            if (result == -ENOENT)
                return read;
            new Span<byte>(next, Math.Max(KeySize, 8)).CopyTo(new Span<byte>(position, Math.Max(KeySize, 8)));
            first = false;
        }
    }

    private int ReadEntriesOneByOne<TKey, TValue>(List<KeyValuePair<TKey, TValue>> into, bool delete) where TKey : unmanaged where TValue : unmanaged
    {
        var read = 0;
        foreach (var key in Keys<TKey>())
        {
            if (!TryLookup<TKey, TValue>(key, out var value))
                continue;
            if (delete && !Delete(key))
                continue; // taken by someone else meanwhile
            into.Add(new(key, value));
            read++;
        }
        return read;
    }

    private void CheckSizes<TKey, TValue>() where TKey : unmanaged where TValue : unmanaged
    {
        if (sizeof(TKey) != KeySize || sizeof(TValue) != ValueSize)
            throw new ArgumentException($"map {Name} has {KeySize}-byte keys and {ValueSize}-byte values, not {sizeof(TKey)} and {sizeof(TValue)}");
    }
}
