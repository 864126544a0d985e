// Native names are kept as libc and libbpf spell them.
#pragma warning disable CS8981, IDE1006
using System.Runtime.InteropServices;

namespace Gadget.Native;

/// <summary>Declarations of the libbpf.so.1 functions the binding uses, with their native names.</summary>
/// <remarks>
/// libbpf 1.x returns NULL and sets errno for pointer results, and a negative errno for
/// int results. Pointers to objects owned by a bpf_object (programs, maps, BTF) stay
/// plain IntPtr; objects the caller frees get a SafeHandle.
/// </remarks>
internal static unsafe partial class Interop
{
    internal static partial class Libbpf
    {
        private const string Lib = "libbpf.so.1";

        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_object_open_opts
        {
            public nuint sz;
            public byte* object_name;
        }

        internal const uint BTF_KIND_INT = 1;
        internal const uint BTF_KIND_PTR = 2;
        internal const uint BTF_KIND_ARRAY = 3;
        internal const uint BTF_KIND_STRUCT = 4;
        internal const uint BTF_KIND_ENUM = 6;
        internal const uint BTF_KIND_TYPEDEF = 8;
        internal const uint BTF_KIND_FUNC = 12;
        internal const uint BTF_KIND_FUNC_PROTO = 13;
        internal const uint BTF_KIND_VAR = 14;
        internal const uint BTF_KIND_DATASEC = 15;

        /// <summary>struct btf_type: name_off, info (vlen | kind &lt;&lt; 24 | kind_flag &lt;&lt; 31), size or type.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct btf_type
        {
            public uint name_off;
            public uint info;
            public uint size_or_type;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct btf_member
        {
            public uint name_off;
            public uint type;
            public uint offset;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct btf_enum
        {
            public uint name_off;
            public int val;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct btf_var_secinfo
        {
            public uint type;
            public uint offset;
            public uint size;
        }

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial IntPtr bpf_object__open_mem(void* obj_buf, nuint obj_buf_sz, bpf_object_open_opts* opts);

        [LibraryImport(Lib)]
        internal static partial int bpf_object__load(BpfObjectHandle obj);

        [LibraryImport(Lib)]
        internal static partial void bpf_object__close(IntPtr obj);

        [LibraryImport(Lib)]
        internal static partial IntPtr bpf_object__next_program(BpfObjectHandle obj, IntPtr prog);

        [LibraryImport(Lib)]
        internal static partial IntPtr bpf_object__next_map(BpfObjectHandle obj, IntPtr map);

        [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial IntPtr bpf_object__find_map_by_name(BpfObjectHandle obj, string name);

        [LibraryImport(Lib)]
        internal static partial IntPtr bpf_object__btf(BpfObjectHandle obj);

        [LibraryImport(Lib)]
        internal static partial byte* bpf_program__name(IntPtr prog);

        [LibraryImport(Lib)]
        internal static partial byte* bpf_program__section_name(IntPtr prog);

        [LibraryImport(Lib)]
        internal static partial int bpf_program__set_autoload(IntPtr prog, [MarshalAs(UnmanagedType.U1)] bool autoload);

        [LibraryImport(Lib)]
        [return: MarshalAs(UnmanagedType.U1)]
        internal static partial bool bpf_program__autoload(IntPtr prog);

        [LibraryImport(Lib)]
        internal static partial int bpf_program__fd(IntPtr prog);

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial IntPtr bpf_program__attach(IntPtr prog);

        [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial IntPtr bpf_program__attach_tracepoint(IntPtr prog, string category, string name);

        [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial IntPtr bpf_program__attach_raw_tracepoint(IntPtr prog, string name);

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial IntPtr bpf_program__attach_trace(IntPtr prog);

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial IntPtr bpf_program__attach_perf_event(IntPtr prog, int pfd);

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial IntPtr bpf_program__attach_iter(IntPtr prog, void* opts);

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial IntPtr bpf_program__attach_cgroup(IntPtr prog, int cgroup_fd);

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial IntPtr bpf_program__attach_netns(IntPtr prog, int netns_fd);

        [LibraryImport(Lib)]
        internal static partial int bpf_link__destroy(IntPtr link);

        [LibraryImport(Lib)]
        internal static partial int bpf_link__fd(BpfLinkHandle link);

        [LibraryImport(Lib)]
        internal static partial int bpf_iter_create(int link_fd);

        [LibraryImport(Lib)]
        internal static partial byte* bpf_map__name(IntPtr map);

        [LibraryImport(Lib)]
        internal static partial int bpf_map__fd(IntPtr map);

        [LibraryImport(Lib)]
        internal static partial int bpf_map__set_max_entries(IntPtr map, uint max_entries);

        [LibraryImport(Lib)]
        internal static partial uint bpf_map__max_entries(IntPtr map);

        [LibraryImport(Lib)]
        internal static partial uint bpf_map__key_size(IntPtr map);

        [LibraryImport(Lib)]
        internal static partial uint bpf_map__value_size(IntPtr map);

        [LibraryImport(Lib)]
        internal static partial uint bpf_map__type(IntPtr map);

        [LibraryImport(Lib)]
        internal static partial void* bpf_map__initial_value(IntPtr map, nuint* psize);

        [LibraryImport(Lib)]
        internal static partial int bpf_map__reuse_fd(IntPtr map, int fd);

        [LibraryImport(Lib)]
        internal static partial int bpf_map__lookup_elem(IntPtr map, void* key, nuint key_sz, void* value, nuint value_sz, ulong flags);

        [LibraryImport(Lib)]
        internal static partial int bpf_map__update_elem(IntPtr map, void* key, nuint key_sz, void* value, nuint value_sz, ulong flags);

        [LibraryImport(Lib)]
        internal static partial int bpf_map__delete_elem(IntPtr map, void* key, nuint key_sz, ulong flags);

        [LibraryImport(Lib)]
        internal static partial int bpf_map__get_next_key(IntPtr map, void* cur_key, void* next_key, nuint key_sz);

        [LibraryImport(Lib)]
        internal static partial int libbpf_num_possible_cpus();

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial IntPtr ring_buffer__new(int map_fd, delegate* unmanaged<IntPtr, void*, nuint, int> sample_cb, IntPtr ctx, void* opts);

        [LibraryImport(Lib)]
        internal static partial int ring_buffer__poll(RingBufferHandle rb, int timeout_ms);

        [LibraryImport(Lib)]
        internal static partial int ring_buffer__consume(RingBufferHandle rb);

        [LibraryImport(Lib)]
        internal static partial void ring_buffer__free(IntPtr rb);

        [LibraryImport(Lib)]
        internal static partial int libbpf_strerror(int err, byte* buf, nuint size);

        [LibraryImport(Lib)]
        internal static partial IntPtr libbpf_set_print(delegate* unmanaged<int, byte*, IntPtr, int> fn);

        [LibraryImport(Lib)]
        internal static partial int libbpf_probe_bpf_prog_type(uint prog_type, void* opts);

        [LibraryImport(Lib)]
        internal static partial int libbpf_probe_bpf_map_type(uint map_type, void* opts);

        [LibraryImport(Lib)]
        internal static partial int libbpf_probe_bpf_helper(uint prog_type, uint helper_id, void* opts);

        [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int btf__find_by_name_kind(IntPtr btf, string type_name, uint kind);

        [LibraryImport(Lib)]
        internal static partial btf_type* btf__type_by_id(IntPtr btf, uint id);

        [LibraryImport(Lib)]
        internal static partial byte* btf__name_by_offset(IntPtr btf, uint offset);

        [LibraryImport(Lib)]
        internal static partial long btf__resolve_size(IntPtr btf, uint type_id);

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial BtfHandle btf__load_vmlinux_btf();

        [LibraryImport(Lib)]
        internal static partial void btf__free(IntPtr btf);
    }
}
