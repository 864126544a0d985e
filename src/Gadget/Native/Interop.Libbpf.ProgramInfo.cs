// Native names are kept as libc and libbpf spell them.
#pragma warning disable CS8981, IDE1006
using System.Runtime.InteropServices;

namespace Gadget.Native;

internal static unsafe partial class Interop
{
    internal static partial class Libbpf
    {
        /// <summary>Fills <paramref name="info"/> (a struct bpf_prog_info for a program) up to
        /// <paramref name="info_len"/> bytes and sets it to what the kernel filled.</summary>
        [LibraryImport(Lib)]
        internal static partial int bpf_obj_get_info_by_fd(int bpf_fd, void* info, uint* info_len);
    }
}
