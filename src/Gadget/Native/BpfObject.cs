using System.Runtime.InteropServices;
using System.Text;

namespace Gadget.Native;

/// <summary>A BPF ELF object opened with libbpf: configured (constants, map sizes, which
/// programs load) between <see cref="Open"/> and <see cref="Load"/>, then attached.</summary>
public sealed unsafe class BpfObject : IDisposable
{
    private readonly BpfObjectHandle _handle;
    private readonly Dictionary<string, BpfProgram> _programs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BpfMap> _maps = new(StringComparer.Ordinal);
    private void* _elf;
    private Btf? _btf;

    private BpfObject(BpfObjectHandle handle, void* elf, string name)
    {
        _handle = handle;
        _elf = elf;
        Name = name;
        for (var p = Interop.Libbpf.bpf_object__next_program(handle, IntPtr.Zero); p != IntPtr.Zero;
             p = Interop.Libbpf.bpf_object__next_program(handle, p))
        {
            var program = new BpfProgram(this, p);
            _programs[program.Name] = program;
        }
        for (var m = Interop.Libbpf.bpf_object__next_map(handle, IntPtr.Zero); m != IntPtr.Zero;
             m = Interop.Libbpf.bpf_object__next_map(handle, m))
        {
            var map = new BpfMap(this, m);
            _maps[map.Name] = map;
            // libbpf names internal maps "<object>.rodata"; also find them by section name.
            var dot = map.Name.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0)
                _maps.TryAdd(map.Name[dot..], map);
        }
    }

    /// <summary>The object's name (used by libbpf in map names and messages).</summary>
    public string Name { get; }

    public bool IsLoaded { get; private set; }

    internal BpfObjectHandle Handle => _handle;

    public IEnumerable<BpfProgram> Programs => _programs.Values;

    public IEnumerable<BpfMap> Maps => _maps.Values;

    /// <summary>Opens an object from its ELF bytes; nothing reaches the kernel until <see cref="Load"/>.</summary>
    public static BpfObject Open(ReadOnlySpan<byte> elf, string name)
    {
        LibbpfLog.Install();
        LibbpfLog.ClearRecentWarnings();
        // libbpf reads the ELF in place until load; keep our own copy alive that long.
        var copy = NativeMemory.Alloc((nuint)elf.Length);
        elf.CopyTo(new Span<byte>(copy, elf.Length));
        var nameBytes = Encoding.UTF8.GetBytes(name + "\0");
        IntPtr obj;
        fixed (byte* namePtr = nameBytes)
        {
            var opts = new Interop.Libbpf.bpf_object_open_opts
            {
                sz = (nuint)sizeof(Interop.Libbpf.bpf_object_open_opts),
                object_name = namePtr,
            };
            obj = Interop.Libbpf.bpf_object__open_mem(copy, (nuint)elf.Length, &opts);
        }
        if (obj == IntPtr.Zero)
        {
            var errno = Marshal.GetLastPInvokeError();
            NativeMemory.Free(copy);
            LibbpfException.Throw($"opening BPF object {name}", errno);
        }
        return new BpfObject(new BpfObjectHandle(obj), copy, name);
    }

    /// <summary>The program named after its C function.</summary>
    public BpfProgram Program(string name) =>
        _programs.TryGetValue(name, out var p) ? p : throw new KeyNotFoundException($"BPF object {Name} has no program {name}");

    /// <summary>The map of that name (".rodata", ".bss" for the internal ones).</summary>
    public BpfMap Map(string name) =>
        _maps.TryGetValue(name, out var m) ? m : throw new KeyNotFoundException($"BPF object {Name} has no map {name}");

    public bool TryGetMap(string name, out BpfMap map) => _maps.TryGetValue(name, out map!);

    /// <summary>The object's BTF (owned by the object).</summary>
    public Btf Btf => _btf ??= new Btf(
        LibbpfException.ThrowIfNull(Interop.Libbpf.bpf_object__btf(_handle), $"reading the BTF of {Name}"),
        _handle);

    /// <summary>Sets a `const volatile` global of the program before load.</summary>
    public void SetConstant<T>(string name, T value) where T : unmanaged
    {
        if (!TrySetConstant(name, value))
            throw new KeyNotFoundException($"BPF object {Name} has no read-only variable {name}");
    }

    /// <summary>Sets a `const volatile` global if the object has it (shared headers' settings
    /// that a program may not use); false when it has none.</summary>
    public bool TrySetConstant<T>(string name, T value) where T : unmanaged
    {
        ThrowIfLoaded();
        if (!TryGetMap(".rodata", out _) || !Btf.TryFindVariable(".rodata", name, out var offset, out var size))
            return false;
        if (size != sizeof(T))
            throw new ArgumentException($"{name} is {size} bytes in BPF, {sizeof(T)} in C#");
        var rodata = Map(".rodata");
        nuint total;
        var data = (byte*)Interop.Libbpf.bpf_map__initial_value(rodata.Pointer, &total);
        if (data == null || (nuint)(offset + size) > total)
            throw new InvalidOperationException($"cannot write {name} in the .rodata of {Name}");
        *(T*)(data + offset) = value;
        return true;
    }

    /// <summary>Verifies and loads every program marked to load, and creates the maps.</summary>
    public void Load()
    {
        ThrowIfLoaded();
        LibbpfLog.ClearRecentWarnings();
        var result = Interop.Libbpf.bpf_object__load(_handle);
        FreeElf();
        LibbpfException.ThrowIfError(result, $"loading BPF object {Name}");
        IsLoaded = true;
    }

    internal void ThrowIfLoaded()
    {
        if (IsLoaded)
            throw new InvalidOperationException($"BPF object {Name} is already loaded");
    }

    private void FreeElf()
    {
        if (_elf != null)
        {
            NativeMemory.Free(_elf);
            _elf = null;
        }
    }

    public void Dispose()
    {
        _btf?.Dispose();
        _handle.Dispose();
        FreeElf();
    }
}
