namespace Gadget.Native;

/// <summary>Pinning a map by name in the BPF file system, for what must outlive the process that
/// made it (traceloop's buffers). Everything pinned is named, listed and removable.</summary>
public sealed unsafe partial class BpfMap
{
    /// <summary>Pins the map at <paramref name="path"/> (under /sys/fs/bpf).</summary>
    public void Pin(string path) =>
        LibbpfException.ThrowIfError(Interop.Libbpf.bpf_map__pin(Pointer, path), $"pinning map {Name} at {path}");

    /// <summary>Removes the pin at <paramref name="path"/>; the map lives on while something holds it.</summary>
    public void Unpin(string path) =>
        LibbpfException.ThrowIfError(Interop.Libbpf.bpf_map__unpin(Pointer, path), $"unpinning map {Name} from {path}");

    /// <summary>Before load: reuse the map pinned at <paramref name="path"/> if there is one, and
    /// pin the new one there otherwise.</summary>
    public void ReuseOrPinAt(string path)
    {
        _owner.ThrowIfLoaded();
        LibbpfException.ThrowIfError(Interop.Libbpf.bpf_map__set_pin_path(Pointer, path), $"setting the pin path of map {Name}");
    }

    public bool IsPinned => Interop.Libbpf.bpf_map__is_pinned(Pointer);
}
