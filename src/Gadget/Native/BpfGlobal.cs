using System.Runtime.InteropServices;

namespace Gadget.Native;

/// <summary>A 64-bit global variable of a loaded BPF object (in its .bss or .data), read in
/// place: the section's map (BPF_F_MMAPABLE) is mapped into our memory, read-only, so a read
/// costs no system call. For counters that programs bump and user space polls often. (libbpf
/// 1.1 maps these sections onto the kernel's only for skeletons; its own copy after load is
/// stale, so the map is mapped here.)</summary>
public sealed unsafe class BpfGlobal : IDisposable
{
    private readonly byte* _mapping;
    private readonly nuint _length;
    private readonly ulong* _value;
    private int _disposed;

    private BpfGlobal(byte* mapping, nuint length, ulong* value)
    {
        _mapping = mapping;
        _length = length;
        _value = value;
    }

    /// <summary>The variable <paramref name="name"/> of section <paramref name="section"/>
    /// (".bss" or ".data") of a loaded object; dispose it before the object.</summary>
    public static BpfGlobal Of(BpfObject bpf, string section, string name)
    {
        if (!bpf.IsLoaded)
            throw new InvalidOperationException($"BPF object {bpf.Name} is not loaded");
        if (!bpf.Btf.TryFindVariable(section, name, out var offset, out var size) || size != sizeof(ulong))
            throw new KeyNotFoundException($"BPF object {bpf.Name} has no 64-bit variable {name} in {section}");
        var map = bpf.Map(section);
        var length = (nuint)((map.ValueSize + Environment.SystemPageSize - 1) / Environment.SystemPageSize * Environment.SystemPageSize);
        var mapping = Interop.Libc.mmap(null, length, Interop.Libc.PROT_READ, Interop.Libc.MAP_SHARED, map.Fd, 0);
        if (mapping == (void*)-1)
            throw new LibbpfException($"mapping {section} of {bpf.Name}", Marshal.GetLastPInvokeError());
        return new BpfGlobal((byte*)mapping, length, (ulong*)((byte*)mapping + offset));
    }

    /// <summary>The value now.</summary>
    public ulong Read()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Volatile.Read(ref *_value);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            Interop.Libc.munmap(_mapping, _length);
    }
}
