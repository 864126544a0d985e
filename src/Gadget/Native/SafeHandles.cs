using Microsoft.Win32.SafeHandles;

namespace Gadget.Native;

/// <summary>Owns a struct bpf_object*; closing it unloads its programs and maps (unless a link or fd still holds them).</summary>
public sealed class BpfObjectHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public BpfObjectHandle() : base(ownsHandle: true) { }

    internal BpfObjectHandle(IntPtr handle) : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle()
    {
        Interop.Libbpf.bpf_object__close(handle);
        return true;
    }
}

/// <summary>Owns a struct bpf_link*; destroying it detaches the program. It keeps its object alive.</summary>
public sealed class BpfLinkHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private readonly BpfObjectHandle? _owner;

    public BpfLinkHandle() : base(ownsHandle: true) { }

    internal BpfLinkHandle(IntPtr handle, BpfObjectHandle owner) : base(ownsHandle: true)
    {
        var added = false;
        owner.DangerousAddRef(ref added);
        _owner = owner;
        SetHandle(handle);
    }

    protected override bool ReleaseHandle()
    {
        Interop.Libbpf.bpf_link__destroy(handle);
        _owner?.DangerousRelease();
        return true;
    }
}

/// <summary>Owns a struct btf* that we loaded ourselves (the kernel's); an object's own BTF
/// belongs to the object and has no handle.</summary>
public sealed class BtfHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public BtfHandle() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle()
    {
        Interop.Libbpf.btf__free(handle);
        return true;
    }
}

/// <summary>Owns a struct ring_buffer* (the consumer side of a BPF ring buffer map).</summary>
public sealed class RingBufferHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public RingBufferHandle() : base(ownsHandle: true) { }

    internal RingBufferHandle(IntPtr handle) : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle()
    {
        Interop.Libbpf.ring_buffer__free(handle);
        return true;
    }
}

/// <summary>Owns a plain file descriptor (perf event, iterator, netns, cgroup directory).</summary>
public sealed class FileDescriptorHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public FileDescriptorHandle() : base(ownsHandle: true) { }

    internal FileDescriptorHandle(int fd) : base(ownsHandle: true) => SetHandle(fd);

    internal int Fd => (int)handle;

    protected override bool ReleaseHandle() => Interop.Libc.close((int)handle) == 0;
}
