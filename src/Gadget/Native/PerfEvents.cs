using System.Runtime.InteropServices;

namespace Gadget.Native;

/// <summary>Opens perf events to attach BPF programs to (perf_event_open).</summary>
public static unsafe class PerfEvents
{
    private const uint PerfTypeSoftware = 1;
    private const ulong PerfCountSwCpuClock = 0;
    private const ulong FlagFreq = 1UL << 10;
    private const ulong PerfFlagFdCloexec = 8;

    /// <summary>A CPU-clock sampling event on one CPU, for all tasks, at
    /// <paramref name="frequency"/> samples per second (what CPU profiles use).</summary>
    public static FileDescriptorHandle OpenCpuClockSampler(int cpu, ulong frequency)
    {
        var attr = new Interop.Libc.perf_event_attr
        {
            type = PerfTypeSoftware,
            size = (uint)sizeof(Interop.Libc.perf_event_attr),
            config = PerfCountSwCpuClock,
            sample_period_or_freq = frequency,
            flags = FlagFreq,
        };
        var fd = Interop.Libc.syscall_perf_event_open(Interop.Libc.SYS_perf_event_open, &attr, -1, cpu, -1, PerfFlagFdCloexec);
        if (fd < 0)
            throw SyscallException.FromLastError($"perf_event_open (cpu clock, cpu {cpu})");
        return new FileDescriptorHandle((int)fd);
    }

    /// <summary>The CPUs that are online now (/sys/devices/system/cpu/online: "0-3,6").</summary>
    public static IReadOnlyList<int> OnlineCpus()
    {
        var cpus = new List<int>();
        foreach (var range in File.ReadAllText("/sys/devices/system/cpu/online").Trim().Split(','))
        {
            var dash = range.IndexOf('-');
            var first = int.Parse(dash < 0 ? range : range[..dash], System.Globalization.CultureInfo.InvariantCulture);
            var last = dash < 0 ? first : int.Parse(range[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            for (var cpu = first; cpu <= last; cpu++)
                cpus.Add(cpu);
        }
        return cpus;
    }
}
