using Gadget.Native;

namespace Gadget.Gadgets;

/// <summary>The BPF objects compiled at build time and embedded in the assembly as bpf/NAME.</summary>
public static class EmbeddedBpf
{
    /// <summary>Every embedded object, by resource name ("exec.bpf.o").</summary>
    public static IEnumerable<string> Names =>
        typeof(EmbeddedBpf).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("bpf/", StringComparison.Ordinal) && n.EndsWith(".bpf.o", StringComparison.Ordinal))
            .Select(n => n["bpf/".Length..]);

    /// <summary>The name libbpf gives the object, and so the prefix of its internal maps as the
    /// kernel lists them: "ig_" and the file's stem ("ig_exec" for exec.bpf.o).</summary>
    public static string ObjectName(string resource) => "ig_" + resource[..resource.IndexOf('.', StringComparison.Ordinal)];

    /// <summary>Opens an embedded object (not loaded yet) under its <see cref="ObjectName"/>.</summary>
    public static BpfObject Open(string resource) => Open(resource, ObjectName(resource));

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
