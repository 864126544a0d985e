namespace Gadget.Native;

/// <summary>A 64-bit global variable of a loaded BPF object (in its .bss or .data), read in
/// place: libbpf maps those sections into our memory, so a read costs no system call. For
/// counters that programs bump and user space polls often.</summary>
public sealed unsafe class BpfGlobal
{
    private readonly BpfObject _owner;
    private readonly ulong* _value;

    private BpfGlobal(BpfObject owner, ulong* value)
    {
        _owner = owner;
        _value = value;
    }

    /// <summary>The variable <paramref name="name"/> of section <paramref name="section"/>
    /// (".bss" or ".data") of a loaded object.</summary>
    public static BpfGlobal Of(BpfObject bpf, string section, string name)
    {
        if (!bpf.IsLoaded)
            throw new InvalidOperationException($"BPF object {bpf.Name} is not loaded");
        if (!bpf.Btf.TryFindVariable(section, name, out var offset, out var size) || size != sizeof(ulong))
            throw new KeyNotFoundException($"BPF object {bpf.Name} has no 64-bit variable {name} in {section}");
        nuint total;
        var data = (byte*)Interop.Libbpf.bpf_map__initial_value(bpf.Map(section).Pointer, &total);
        if (data == null || (nuint)(offset + size) > total)
            throw new InvalidOperationException($"{section} of {bpf.Name} is not mapped");
        return new BpfGlobal(bpf, (ulong*)(data + offset));
    }

    /// <summary>The value now (valid while the object is not disposed).</summary>
    public ulong Read()
    {
        ObjectDisposedException.ThrowIf(!_owner.IsLoaded, _owner);
        return Volatile.Read(ref *_value);
    }
}
