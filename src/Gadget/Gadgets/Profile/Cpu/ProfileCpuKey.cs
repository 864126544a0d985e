using System.Runtime.InteropServices;

namespace Gadget.Gadgets.Profile.Cpu;

/// <summary>Mirror of struct profile_cpu_key (profile_cpu.bpf.c): the key of the counts map.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct ProfileCpuKey
{
    public ulong KernelIp;
    public ulong MntnsId;
    public uint Pid;
    public int UserStackId;
    public int KernStackId;
    public CommBytes Comm;
    public uint Pad;
}
