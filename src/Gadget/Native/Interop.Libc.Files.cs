// Native names are kept as libc and the kernel spell them.
#pragma warning disable CS8981, IDE1006
using System.Runtime.InteropServices;

namespace Gadget.Native;

/// <summary>The libc calls that open a file confined to a directory tree (a container's root).</summary>
internal static unsafe partial class Interop
{
    internal static partial class Libc
    {
        internal const int O_NONBLOCK = 0x800;
        internal const int O_NOFOLLOW = 0x20000;
        internal const int O_PATH = 0x200000;
        internal const int O_NOCTTY = 0x100;

        internal const ulong RESOLVE_NO_MAGICLINKS = 0x02;
        internal const ulong RESOLVE_IN_ROOT = 0x10;

        internal const int AT_SYMLINK_NOFOLLOW = 0x100;
        internal const int AT_EMPTY_PATH = 0x1000;
        internal const uint STATX_TYPE = 0x1;
        internal const uint STATX_SIZE = 0x200;

        internal const ushort S_IFMT = 0xF000;
        internal const ushort S_IFREG = 0x8000;
        internal const ushort S_IFDIR = 0x4000;
        internal const ushort S_IFLNK = 0xA000;

        /// <summary>openat2(2)'s syscall number: the same on every architecture (it is past 424).</summary>
        internal const long SYS_openat2 = 437;

        [StructLayout(LayoutKind.Sequential)]
        internal struct open_how
        {
            public ulong flags;
            public ulong mode;
            public ulong resolve;
        }

        /// <summary>struct statx: the same layout on every architecture; we read the type and size.</summary>
        [StructLayout(LayoutKind.Explicit, Size = 256)]
        internal struct statx_t
        {
            [FieldOffset(0)] public uint stx_mask;
            [FieldOffset(28)] public ushort stx_mode;
            [FieldOffset(40)] public ulong stx_size;
        }

        [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
        internal static partial long syscall_openat2(long number, int dirfd, byte* pathname, open_how* how, nuint size);

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial int openat(int dirfd, byte* pathname, int flags);

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial nint readlinkat(int dirfd, byte* pathname, byte* buf, nuint bufsiz);

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial int statx(int dirfd, byte* pathname, int flags, uint mask, statx_t* statxbuf);

        internal const int F_GETFL = 3;
        internal const int O_ACCMODE = 3;
        internal const int O_WRONLY = 1;
        internal const int O_RDWR = 2;

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial int fcntl(int fd, int cmd);

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial nint pread(int fd, byte* buf, nuint count, long offset);
    }
}
