// Native names are kept as libc spells them.
#pragma warning disable CS8981, IDE1006
using System.Runtime.InteropServices;

namespace Gadget.Native;

internal static unsafe partial class Interop
{
    internal static partial class Libc
    {
        internal const ulong TIOCGWINSZ = 0x5413;

        [StructLayout(LayoutKind.Sequential)]
        internal struct winsize
        {
            public ushort ws_row;
            public ushort ws_col;
            public ushort ws_xpixel;
            public ushort ws_ypixel;
        }

        [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
        internal static partial int ioctl_winsize(int fd, ulong request, winsize* size);

        [LibraryImport("libc")]
        internal static partial int isatty(int fd);
    }
}
