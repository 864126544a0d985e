// Native names are kept as libc and libbpf spell them.
#pragma warning disable CS8981, IDE1006
using System.Runtime.InteropServices;

namespace Gadget.Bpf;

/// <summary>The few libc calls the binding needs beyond libbpf.</summary>
internal static unsafe partial class Interop
{
    internal static partial class Libc
    {
        private const string Lib = "libc";

        internal const int CLOCK_REALTIME = 0;
        internal const int CLOCK_BOOTTIME = 7;

        [StructLayout(LayoutKind.Sequential)]
        internal struct timespec
        {
            public long tv_sec;
            public long tv_nsec;
        }

        [LibraryImport(Lib)]
        internal static partial int clock_gettime(int clockid, timespec* tp);

        [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int mount(string source, string target, string filesystemtype, ulong mountflags, IntPtr data);

        [LibraryImport(Lib)]
        internal static partial int vsnprintf(byte* str, nuint size, byte* format, IntPtr args);

        [LibraryImport(Lib)]
        internal static partial uint geteuid();

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial int close(int fd);

        internal const short POLLERR = 0x008;
        internal const short POLLHUP = 0x010;

        [StructLayout(LayoutKind.Sequential)]
        internal struct pollfd
        {
            public int fd;
            public short events;
            public short revents;
        }

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial int poll(pollfd* fds, nuint nfds, int timeout);

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial nint read(int fd, byte* buf, nuint count);
    }
}
