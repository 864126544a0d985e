using System.Runtime.InteropServices;

namespace Gadget.Native;

/// <summary>Checks that libbpf.so.1 can be loaded, before anything calls into it.</summary>
public static class Libbpf
{
    public static bool IsAvailable => NativeLibrary.TryLoad("libbpf.so.1", out _);
}
