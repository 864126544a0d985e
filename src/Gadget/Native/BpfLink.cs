namespace Gadget.Native;

/// <summary>An attachment of a program to a hook, held by a bpf_link file descriptor: when
/// the process dies, the kernel detaches it, so nothing is left behind.</summary>
public sealed class BpfLink : IDisposable
{
    private readonly BpfLinkHandle _handle;

    internal BpfLink(BpfLinkHandle handle, string programName)
    {
        _handle = handle;
        ProgramName = programName;
    }

    public string ProgramName { get; }

    /// <summary>Starts one pass of an iterator program; reading the stream runs it.</summary>
    public Stream OpenIterator()
    {
        var fd = Interop.Libbpf.bpf_iter_create(Interop.Libbpf.bpf_link__fd(_handle));
        LibbpfException.ThrowIfError(fd, $"creating an iterator from {ProgramName}");
        return new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 0);
    }

    public void Dispose() => _handle.Dispose();
}
