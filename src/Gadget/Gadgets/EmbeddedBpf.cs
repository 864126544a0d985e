using Gadget.Native;

namespace Gadget.Gadgets;

/// <summary>The BPF objects compiled at build time and embedded in the assembly as bpf/NAME.</summary>
public static class EmbeddedBpf
{
    /// <summary>Opens an embedded object (not loaded yet); <paramref name="objectName"/> names it to libbpf.</summary>
    public static BpfObject Open(string resource, string objectName)
    {
        using var stream = typeof(EmbeddedBpf).Assembly.GetManifestResourceStream("bpf/" + resource)
            ?? throw new InvalidOperationException($"BPF object {resource} is not embedded");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return BpfObject.Open(bytes, objectName);
    }
}
