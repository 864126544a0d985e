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

        internal const int O_RDONLY = 0, O_LARGEFILE = 0x8000, O_DIRECTORY = 0x10000, O_CLOEXEC = 0x80000;
        internal const int AT_FDCWD = -100;

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

        // The file-type constants and openat/readlinkat are in Interop.Libc.Files.cs.
        internal const uint S_ISVTX = 0x200;

        /// <summary>struct stat of x86-64.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct stat_t
        {
            public ulong st_dev;
            public ulong st_ino;
            public ulong st_nlink;
            public uint st_mode;
            public uint st_uid;
            public uint st_gid;
            public int pad0;
            public ulong st_rdev;
            public long st_size;
            public long st_blksize;
            public long st_blocks;
            public fixed long times[6];
            public fixed long reserved[3];
        }

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial int fstat(int fd, stat_t* buf);

        internal const int PROT_READ = 0x1, MAP_SHARED = 0x1;

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial void* mmap(void* addr, nuint length, int prot, int flags, int fd, long offset);

        [LibraryImport(Lib, SetLastError = true)]
        internal static partial int munmap(void* addr, nuint length);
    }
}
