namespace Gadget.Native;

/// <summary>One map shared by several objects: a map of one object stands in for the
/// same-shaped map of another (bpf_map__reuse_fd), so both see the same entries.</summary>
public sealed unsafe partial class BpfMap
{
    /// <summary>Before load: this map is <paramref name="shared"/> (of another, loaded object),
    /// whose definition must be the same (type, key and value sizes, entries, flags).</summary>
    public void ShareWith(BpfMap shared)
    {
        _owner.ThrowIfLoaded();
        LibbpfException.ThrowIfError(Interop.Libbpf.bpf_map__reuse_fd(Pointer, shared.Fd), $"sharing map {Name} of {shared._owner.Name}");
    }
}
