using System.Runtime.InteropServices;

namespace Gadget.Gadgets.Trace.Sni;

/// <summary>Mirror of struct sni_event (sni.bpf.c). After it come the first DataSize bytes of the
/// TCP payload, which starts with the TLS record of a ClientHello.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct SniEvent
{
    public EventHeader Header;
    public ulong NetnsId;
    public ushort DataSize;
}
