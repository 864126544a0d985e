namespace Gadget.Native;

/// <summary>Whether this process may load BPF programs.</summary>
public static class Privileges
{
    /// <summary>Effective uid 0 (root has CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN).</summary>
    public static bool IsRoot => Interop.Libc.geteuid() == 0;

    /// <summary>This process's effective uid.</summary>
    public static uint EffectiveUid => Interop.Libc.geteuid();
}
