namespace Gadget.Native;

/// <summary>What the kernel counts about a loaded program (struct bpf_prog_info).</summary>
public static unsafe class BpfProgramInfo
{
    // Offsets in the UAPI struct bpf_prog_info, which only ever grows at its end.
    internal const int RecursionMissesOffset = 208;
    internal const int InfoSize = 232;

    /// <summary>How many times the kernel skipped the program because it was already running on
    /// that CPU (a hook that fired again in an interrupt while the program ran, 5.12+): each is an
    /// event the program never saw. 0 where the kernel does not count them.</summary>
    public static ulong RecursionMisses(BpfProgram program)
    {
        var info = stackalloc byte[InfoSize];
        new Span<byte>(info, InfoSize).Clear();
        uint length = InfoSize;
        LibbpfException.ThrowIfError(Interop.Libbpf.bpf_obj_get_info_by_fd(program.Fd, info, &length), $"reading the information of program {program.Name}");
        return length >= RecursionMissesOffset + sizeof(ulong) ? *(ulong*)(info + RecursionMissesOffset) : 0;
    }
}
