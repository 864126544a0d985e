using System.Runtime.InteropServices;
using System.Text;

namespace Gadget.Native;

/// <summary>A member of a BTF struct: its name, byte offset and size.</summary>
public readonly record struct BtfMember(string Name, int Offset, int Size);

/// <summary>Read access to BTF type information: an object's own (event layouts, read-only
/// variables) or the kernel's (which fields and types exist).</summary>
public sealed unsafe class Btf : IDisposable
{
    private IntPtr _btf;

    // What keeps _btf alive: our own handle (the kernel's BTF), or the object that owns it.
    private readonly SafeHandle _lifetime;
    private readonly bool _ownsLifetime;

    /// <summary>The BTF of an object, valid as long as <paramref name="owner"/> is.</summary>
    internal Btf(IntPtr btf, SafeHandle owner)
    {
        _btf = btf;
        _lifetime = owner;
    }

    private Btf(BtfHandle handle)
    {
        _btf = handle.DangerousGetHandle();
        _lifetime = handle;
        _ownsLifetime = true;
    }

    /// <summary>Loads the running kernel's BTF (/sys/kernel/btf/vmlinux).</summary>
    public static Btf LoadKernel()
    {
        LibbpfLog.Install();
        var handle = Interop.Libbpf.btf__load_vmlinux_btf();
        if (handle.IsInvalid)
        {
            var errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            LibbpfException.Throw("loading the kernel's BTF", errno);
        }
        return new Btf(handle);
    }

    /// <summary>The members of struct <paramref name="name"/>, or null when there is no such struct.</summary>
    public IReadOnlyList<BtfMember>? GetStructMembers(string name)
    {
        var id = FindByNameKind(name, Interop.Libbpf.BTF_KIND_STRUCT);
        if (id < 0)
            return null;
        var type = TypeById((uint)id);
        var vlen = (int)(type->info & 0xffff);
        var members = (Interop.Libbpf.btf_member*)(type + 1);
        var result = new List<BtfMember>(vlen);
        for (var i = 0; i < vlen; i++)
        {
            var m = members[i];
            var bitOffset = (type->info & 0x80000000) != 0 ? m.offset & 0xffffff : m.offset;
            var size = (int)Interop.Libbpf.btf__resolve_size(_btf, m.type);
            result.Add(new BtfMember(NameAt(m.name_off), (int)(bitOffset / 8), size));
        }
        return result;
    }

    /// <summary>The size of struct <paramref name="name"/>, or -1.</summary>
    public int GetStructSize(string name)
    {
        var id = FindByNameKind(name, Interop.Libbpf.BTF_KIND_STRUCT);
        return id < 0 ? -1 : (int)TypeById((uint)id)->size_or_type;
    }

    /// <summary>True when struct <paramref name="structName"/> has a member <paramref name="member"/>.</summary>
    public bool HasMember(string structName, string member) =>
        GetStructMembers(structName)?.Any(m => m.Name == member) == true;

    /// <summary>True when a typedef of this name exists.</summary>
    public bool HasTypedef(string name) => FindByNameKind(name, Interop.Libbpf.BTF_KIND_TYPEDEF) >= 0;

    /// <summary>True when a function of this name exists (in the kernel's BTF: a kfunc candidate).</summary>
    public bool HasFunction(string name) => FindByNameKind(name, Interop.Libbpf.BTF_KIND_FUNC) >= 0;

    /// <summary>True when a struct of this name exists.</summary>
    public bool HasStruct(string name) => FindByNameKind(name, Interop.Libbpf.BTF_KIND_STRUCT) >= 0;

    /// <summary>True when enum <paramref name="enumName"/> has an enumerator <paramref name="name"/>
    /// (e.g. the kernel's bpf_func_id lists the helpers it implements).</summary>
    public bool HasEnumerator(string enumName, string name)
    {
        var id = FindByNameKind(enumName, Interop.Libbpf.BTF_KIND_ENUM);
        if (id < 0)
            return false;
        var type = TypeById((uint)id);
        var vlen = (int)(type->info & 0xffff);
        var values = (Interop.Libbpf.btf_enum*)(type + 1);
        for (var i = 0; i < vlen; i++)
        {
            if (NameAt(values[i].name_off) == name)
                return true;
        }
        return false;
    }

    /// <summary>How many parameters the function that typedef <paramref name="name"/> points to
    /// takes (a raw tracepoint's btf_trace_* typedef: the context pointer, then the tracepoint's
    /// arguments), or -1 when there is no such function pointer.</summary>
    public int GetFunctionPointerParameterCount(string name)
    {
        var id = FindByNameKind(name, Interop.Libbpf.BTF_KIND_TYPEDEF);
        if (id < 0)
            return -1;
        var pointer = TypeById(TypeById((uint)id)->size_or_type);
        if (pointer == null || Kind(pointer) != Interop.Libbpf.BTF_KIND_PTR)
            return -1;
        var proto = TypeById(pointer->size_or_type);
        return proto == null || Kind(proto) != Interop.Libbpf.BTF_KIND_FUNC_PROTO ? -1 : (int)(proto->info & 0xffff);
    }

    /// <summary>Finds variable <paramref name="variable"/> in data section <paramref name="section"/> (".rodata").</summary>
    public bool TryFindVariable(string section, string variable, out int offset, out int size)
    {
        offset = size = 0;
        var id = FindByNameKind(section, Interop.Libbpf.BTF_KIND_DATASEC);
        if (id < 0)
            return false;
        var type = TypeById((uint)id);
        var vlen = (int)(type->info & 0xffff);
        var vars = (Interop.Libbpf.btf_var_secinfo*)(type + 1);
        for (var i = 0; i < vlen; i++)
        {
            var varType = TypeById(vars[i].type);
            if (NameAt(varType->name_off) == variable)
            {
                offset = (int)vars[i].offset;
                size = (int)vars[i].size;
                return true;
            }
        }
        return false;
    }

    private int FindByNameKind(string name, uint kind)
    {
        ObjectDisposedException.ThrowIf(_btf == IntPtr.Zero, this);
        return Interop.Libbpf.btf__find_by_name_kind(_btf, name, kind);
    }

    private static uint Kind(Interop.Libbpf.btf_type* type) => (type->info >> 24) & 0x1f;

    private Interop.Libbpf.btf_type* TypeById(uint id) => Interop.Libbpf.btf__type_by_id(_btf, id);

    private string NameAt(uint offset) =>
        Marshal.PtrToStringUTF8((IntPtr)Interop.Libbpf.btf__name_by_offset(_btf, offset)) ?? "";

    public void Dispose()
    {
        _btf = IntPtr.Zero;
        if (_ownsLifetime)
            _lifetime.Dispose();
    }
}
