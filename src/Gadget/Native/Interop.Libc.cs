// Native names are kept as libc and libbpf spell them.
#pragma warning disable CS8981, IDE1006
using System.Runtime.InteropServices;

namespace Gadget.Native;

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

        internal const int SIGINT = 2;
        internal static readonly nint SIG_DFL = 0;
        internal static readonly nint SIG_IGN = 1;

        /// <summary>Sets a signal's disposition; returns the previous one.</summary>
        [LibraryImport(Lib)]
        internal static partial nint signal(int signum, nint handler);

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial int close(int fd);

        internal const uint FAN_CLOEXEC = 0x1;
        internal const uint FAN_CLASS_CONTENT = 0x4;
        internal const uint FAN_MARK_ADD = 0x1;
        internal const ulong FAN_OPEN_EXEC_PERM = 0x40000;
        internal const uint FAN_ALLOW = 0x1;
        internal const int O_RDONLY = 0, O_LARGEFILE = 0x8000, O_DIRECTORY = 0x10000, O_CLOEXEC = 0x80000;
        internal const int AT_FDCWD = -100;

        [StructLayout(LayoutKind.Sequential)]
        internal struct fanotify_event_metadata
        {
            public uint event_len;
            public byte vers;
            public byte reserved;
            public ushort metadata_len;
            public ulong mask;
            public int fd;
            public int pid;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct fanotify_response
        {
            public int fd;
            public uint response;
        }

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial int fanotify_init(uint flags, uint event_f_flags);

        [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int fanotify_mark(int fanotify_fd, uint flags, ulong mask, int dirfd, string pathname);

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial nint write(int fd, void* buf, nuint count);

        internal const long SYS_perf_event_open = 298; // x86-64

        /// <summary>The leading part of struct perf_event_attr that sampling needs (PERF_ATTR_SIZE_VER5 = 112 bytes).</summary>
        [StructLayout(LayoutKind.Explicit, Size = 112)]
        internal struct perf_event_attr
        {
            [FieldOffset(0)] public uint type;
            [FieldOffset(4)] public uint size;
            [FieldOffset(8)] public ulong config;
            [FieldOffset(16)] public ulong sample_period_or_freq;
            [FieldOffset(24)] public ulong sample_type;
            [FieldOffset(32)] public ulong read_format;
            [FieldOffset(40)] public ulong flags; // bit 0 disabled, bit 10 freq, ...
            [FieldOffset(48)] public uint wakeup_events;
        }

        // glibc's syscall() only moves registers, so calling it with a fixed signature is sound on x86-64.
        [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
        internal static partial long syscall_perf_event_open(long number, perf_event_attr* attr, int pid, int cpu, int group_fd, ulong flags);

        [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int open(string pathname, int flags);

        internal const short POLLIN = 0x001;
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

        [LibraryImport(Lib, EntryPoint = "open", SetLastError = true)]
        internal static partial int open_bytes(byte* pathname, int flags);

        /// <summary>Directory entries (struct linux_dirent64) into buf; 0 at the end.</summary>
        [LibraryImport(Lib, SetLastError = true)]
        internal static partial nint getdents64(int fd, byte* buf, nuint count);

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial nint readlink(byte* pathname, byte* buf, nuint bufsiz);
    }
}
