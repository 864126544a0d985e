using Gadget.Native;

namespace Gadget.Gadgets.Top.Files;

/// <summary>One run of top file: which programs load, and each interval's rows from the kernel.</summary>
internal sealed class FileRun : FrameRun
{
    /// <summary>The system calls filetop.bpf.c hooks; its programs are ft_NAME_e / _x / _x_c.</summary>
    internal static readonly string[] Syscalls =
        ["read", "readv", "pread64", "preadv", "preadv2", "write", "writev", "pwrite64", "pwritev", "pwritev2"];

    private readonly bool _allFiles;
    private readonly List<KeyValuePair<FiletopKey, FiletopValue>> _entries = [];
    private AlternatingStatsMaps? _maps;

    public FileRun(bool allFiles) => _allFiles = allFiles;

    public override string? BpfObjectName => "filetop.bpf.o";

    /// <summary>Read the descriptor at exit from the saved registers; null: where the kernel can
    /// (bpf_task_pt_regs, 5.15). Tests set it to cover the other way.</summary>
    internal bool? WithRegisters { get; init; }

    /// <summary>Read struct file through bpf_rdonly_cast; null: where the kernel can (6.2).</summary>
    internal bool? WithCast { get; init; }

    public override void Configure(BpfObject bpf)
    {
        var registers = WithRegisters ?? (KernelFeatures.HasHelper(BpfProgramType.Tracepoint, BpfHelper.TaskPtRegs)
            && KernelFeatures.HasHelper(BpfProgramType.Tracepoint, BpfHelper.GetCurrentTaskBtf));
        var cast = WithCast ?? KernelFeatures.HasKernelFunction("bpf_rdonly_cast");
        bpf.SetConstant("regular_file_only", !_allFiles);
        bpf.SetConstant("with_registers", registers);
        foreach (var syscall in Syscalls)
        {
            // Entry programs only remember descriptors the exit cannot read itself.
            bpf.Program($"ft_{syscall}_e").Autoload = !registers;
            bpf.Program($"ft_{syscall}_x").Autoload = cast;
            bpf.Program($"ft_{syscall}_x_c").Autoload = !cast;
        }
    }

    public override void Populate(BpfObject bpf) => _maps = new AlternatingStatsMaps(bpf);

    public override void Collect(RunContext context, Frame frame)
    {
        _maps!.TakeInterval(_entries);
        var now = (ulong)BootClock.NowNanoseconds();
        foreach (var (key, value) in _entries)
            frame.Add(FileRow.From(key, value, now));
    }
}
