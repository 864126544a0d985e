namespace Gadget.Gadgets.Trace.Capabilities;

/// <summary>Names of Linux capabilities by number (include/uapi/linux/capability.h), as the
/// reference shows them: without the CAP_ prefix in capName, lower-case in capsNames.</summary>
public static class CapabilityNames
{
    private static readonly string[] Names =
    [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
        "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
        "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
        "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
        "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
        "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
    ];

    private static readonly byte[][] Upper = Names.Select(System.Text.Encoding.ASCII.GetBytes).ToArray();
    private static readonly byte[][] Lower = Names.Select(n => System.Text.Encoding.ASCII.GetBytes(n.ToLowerInvariant())).ToArray();

    /// <summary>The highest capability number with a name.</summary>
    public static int Last => Names.Length - 1;

    /// <summary>"SYS_ADMIN" for 21; empty when unknown.</summary>
    public static ReadOnlySpan<byte> Name(int cap) => cap >= 0 && cap < Upper.Length ? Upper[cap] : default;

    /// <summary>Writes the lower-case names of the capabilities set in <paramref name="caps"/> as a list.</summary>
    public static void WriteSet(ulong caps, IFieldSink sink)
    {
        sink.BeginList();
        for (var cap = 0; cap < Lower.Length; cap++)
        {
            if ((caps & (1ul << cap)) != 0)
                sink.ListItem(Lower[cap]);
        }
        sink.EndList();
    }
}
