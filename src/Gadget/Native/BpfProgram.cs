using System.Runtime.InteropServices;

namespace Gadget.Native;

/// <summary>One program of a <see cref="BpfObject"/>: chosen to load or not, then attached.</summary>
public sealed unsafe class BpfProgram
{
    private readonly BpfObject _owner;

    internal BpfProgram(BpfObject owner, IntPtr program)
    {
        _owner = owner;
        Pointer = program;
        Name = Marshal.PtrToStringUTF8((IntPtr)Interop.Libbpf.bpf_program__name(program)) ?? "";
        SectionName = Marshal.PtrToStringUTF8((IntPtr)Interop.Libbpf.bpf_program__section_name(program)) ?? "";
    }

    internal IntPtr Pointer { get; }

    /// <summary>The C function name.</summary>
    public string Name { get; }

    /// <summary>The ELF section, which says the program type and hook, e.g. "tracepoint/syscalls/sys_exit_openat".</summary>
    public string SectionName { get; }

    /// <summary>An iterator (section "iter/..."): attached and read by its run, not at attach time.</summary>
    public bool IsIterator => SectionName.StartsWith("iter/", StringComparison.Ordinal) || SectionName.StartsWith("iter.s/", StringComparison.Ordinal);

    /// <summary>Whether <see cref="BpfObject.Load"/> loads this program (default: yes).</summary>
    public bool Autoload
    {
        get => Interop.Libbpf.bpf_program__autoload(Pointer);
        set
        {
            _owner.ThrowIfLoaded();
            LibbpfException.ThrowIfError(Interop.Libbpf.bpf_program__set_autoload(Pointer, value), $"choosing whether to load {Name}");
        }
    }

    /// <summary>The program's file descriptor once loaded (for socket filters and the like).</summary>
    public int Fd => Interop.Libbpf.bpf_program__fd(Pointer);

    /// <summary>Attaches where the section name says (tracepoint, raw_tp, tp_btf, iter, ...).</summary>
    public BpfLink Attach() => Link(Interop.Libbpf.bpf_program__attach(Pointer), $"attaching {Name} ({SectionName})");

    public BpfLink AttachTracepoint(string category, string name) =>
        Link(Interop.Libbpf.bpf_program__attach_tracepoint(Pointer, category, name), $"attaching {Name} to tracepoint {category}:{name}");

    public BpfLink AttachRawTracepoint(string name) =>
        Link(Interop.Libbpf.bpf_program__attach_raw_tracepoint(Pointer, name), $"attaching {Name} to raw tracepoint {name}");

    /// <summary>Attaches a BTF-typed program (tp_btf, fentry, ...) to the target named in its section.</summary>
    public BpfLink AttachTrace() => Link(Interop.Libbpf.bpf_program__attach_trace(Pointer), $"attaching {Name} ({SectionName})");

    /// <summary>Attaches to an open perf event. The link owns the event's descriptor from then
    /// on (libbpf closes it with the link), so the handle lets go of it: closing it too would
    /// close whatever file reused the number.</summary>
    public BpfLink AttachPerfEvent(FileDescriptorHandle perfEvent)
    {
        var link = Link(Interop.Libbpf.bpf_program__attach_perf_event(Pointer, perfEvent.Fd), $"attaching {Name} to a perf event");
        perfEvent.SetHandleAsInvalid();
        return link;
    }

    /// <summary>Attaches an iterator program; read it with <see cref="BpfLink.OpenIterator"/>.</summary>
    public BpfLink AttachIterator() => Link(Interop.Libbpf.bpf_program__attach_iter(Pointer, null), $"attaching iterator {Name}");

    public BpfLink AttachCgroup(SafeHandle cgroupDirectory) =>
        Link(Interop.Libbpf.bpf_program__attach_cgroup(Pointer, (int)cgroupDirectory.DangerousGetHandle()), $"attaching {Name} to a cgroup");

    public BpfLink AttachNetns(SafeHandle netns) =>
        Link(Interop.Libbpf.bpf_program__attach_netns(Pointer, (int)netns.DangerousGetHandle()), $"attaching {Name} to a network namespace");

    /// <summary>Attaches a socket filter program to a socket (SO_ATTACH_BPF); it stays
    /// attached as long as the socket is open.</summary>
    public void AttachToSocket(System.Net.Sockets.Socket socket)
    {
        const int SolSocket = 1, SoAttachBpf = 50;
        socket.SetRawSocketOption(SolSocket, SoAttachBpf, BitConverter.GetBytes(Fd));
    }

    private BpfLink Link(IntPtr link, string operation)
    {
        LibbpfException.ThrowIfNull(link, operation);
        return new BpfLink(new BpfLinkHandle(link, _owner.Handle), Name);
    }
}
