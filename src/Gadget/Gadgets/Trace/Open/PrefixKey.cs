using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Gadget.Gadgets.Trace.Open;

/// <summary>A key of the kernel's prefix trie (struct open_prefix_key in open.bpf.c): how many
/// leading bits of <see cref="Data"/> count, then the prefix's bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PrefixKey
{
    public uint PrefixLength;
    public PrefixBytes Data;
}

/// <summary>OPEN_PREFIX_MAX bytes.</summary>
[InlineArray(256)]
internal struct PrefixBytes
{
    private byte _first;
}
