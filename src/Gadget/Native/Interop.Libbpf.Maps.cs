// Native names are kept as libbpf spells them.
#pragma warning disable CS8981, IDE1006
using System.Runtime.InteropServices;

namespace Gadget.Native;

internal static unsafe partial class Interop
{
    internal static partial class Libbpf
    {
        /// <summary>struct bpf_map_batch_opts (libbpf 1.x): sz, elem_flags, flags.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_map_batch_opts
        {
            public nuint sz;
            public ulong elem_flags;
            public ulong flags;
        }

        [LibraryImport(Lib)]
        internal static partial int bpf_map_lookup_batch(int fd, void* in_batch, void* out_batch, void* keys, void* values, uint* count, bpf_map_batch_opts* opts);

        [LibraryImport(Lib)]
        internal static partial int bpf_map_lookup_and_delete_batch(int fd, void* in_batch, void* out_batch, void* keys, void* values, uint* count, bpf_map_batch_opts* opts);

        [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int bpf_map__pin(IntPtr map, string path);

        [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int bpf_map__unpin(IntPtr map, string? path);

        [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int bpf_map__set_pin_path(IntPtr map, string? path);

        [LibraryImport(Lib)]
        internal static partial byte* bpf_map__pin_path(IntPtr map);

        [LibraryImport(Lib)]
        [return: MarshalAs(UnmanagedType.U1)]
        internal static partial bool bpf_map__is_pinned(IntPtr map);
    }
}
