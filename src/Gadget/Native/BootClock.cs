namespace Gadget.Native;

/// <summary>Converts the kernel's boot-time nanoseconds (bpf_ktime_get_boot_ns) to wall-clock time.</summary>
public static unsafe class BootClock
{
    /// <summary>Nanoseconds since boot now, as bpf_ktime_get_boot_ns would say.</summary>
    public static long NowNanoseconds() => Read(Interop.Libc.CLOCK_BOOTTIME);

    /// <summary>What to add to a boot-time timestamp to get Unix-epoch nanoseconds.</summary>
    public static long UnixOffsetNanoseconds() => Read(Interop.Libc.CLOCK_REALTIME) - Read(Interop.Libc.CLOCK_BOOTTIME);

    private static long Read(int clock)
    {
        Interop.Libc.timespec ts;
        Interop.Libc.clock_gettime(clock, &ts);
        return ts.tv_sec * 1_000_000_000 + ts.tv_nsec;
    }
}
