// Native names are kept as libc spells them.
#pragma warning disable CS8981, IDE1006
using System.Runtime.InteropServices;

namespace Gadget.Native;

/// <summary>The libc calls that move a thread into another namespace.</summary>
internal static unsafe partial class Interop
{
    internal static partial class Libc
    {
        internal const int CLONE_NEWNET = 0x40000000;

        /// <summary>Moves the calling thread into the namespace <paramref name="fd"/> refers to.</summary>
        [LibraryImport(Lib, SetLastError = true)]
        internal static partial int setns(int fd, int nstype);

        /// <summary>The leading part of struct stat on x86-64 that we read (st_dev, st_ino); the
        /// rest is room for what the kernel writes.</summary>
        [StructLayout(LayoutKind.Explicit, Size = 144)]
        internal struct stat_x86_64
        {
            [FieldOffset(0)] public ulong st_dev;
            [FieldOffset(8)] public ulong st_ino;
        }

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial int fstat(int fd, stat_x86_64* buf);
    }
}
