using System.Buffers.Binary;
using System.Text;

namespace Gadget.Tests.Gadgets.ProfileCpu;

/// <summary>Writes a minimal ELF file by hand (header, one PT_LOAD, a note with a build id,
/// .symtab and .strtab), 32- or 64-bit, so tests can make exactly the file they need,
/// including broken ones: every field is laid out where the format says.</summary>
internal sealed class ElfBuilder
{
    public bool Is64 { get; init; } = true;
    public ushort Type { get; init; } = 3; // ET_DYN
    public ulong SegmentOffset { get; init; } = 0;
    public ulong SegmentAddress { get; init; } = 0x400000;
    public ulong SegmentSize { get; init; } = 0x2000;
    public List<(string Name, ulong Value, ulong Size, byte Info)> Symbols { get; } = [];

    public const byte GlobalFunc = 0x12, LocalFunc = 0x02, GlobalObject = 0x11;

    /// <summary>Where the section headers start, and their count (for tests that break them).</summary>
    public int SectionHeaderOffset { get; private set; }

    public byte[] Build()
    {
        int ehSize = Is64 ? 64 : 52, phSize = Is64 ? 56 : 32, shSize = Is64 ? 64 : 40, symSize = Is64 ? 24 : 16;
        var strtab = new List<byte> { 0 };
        var nameOffsets = new List<int>();
        foreach (var symbol in Symbols)
        {
            nameOffsets.Add(strtab.Count);
            strtab.AddRange(Encoding.UTF8.GetBytes(symbol.Name));
            strtab.Add(0);
        }
        var shstrtab = "\0.symtab\0.strtab\0.note\0"u8.ToArray();
        var note = new byte[12 + 4 + 20];
        BinaryPrimitives.WriteUInt32LittleEndian(note, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(note.AsSpan(4), 20);
        BinaryPrimitives.WriteUInt32LittleEndian(note.AsSpan(8), 3); // NT_GNU_BUILD_ID
        "GNU\0"u8.CopyTo(note.AsSpan(12));
        for (var i = 0; i < 20; i++)
            note[16 + i] = (byte)(0xa0 + i);

        var phOffset = ehSize;
        var noteOffset = phOffset + 2 * phSize;
        var symOffset = Align(noteOffset + note.Length, 8);
        var symtabSize = (Symbols.Count + 1) * symSize;
        var strOffset = symOffset + symtabSize;
        var shstrOffset = strOffset + strtab.Count;
        SectionHeaderOffset = Align(shstrOffset + shstrtab.Length, 8);
        var total = SectionHeaderOffset + 5 * shSize;
        var file = new byte[Math.Max(total, (int)(SegmentOffset + SegmentSize))];
        var f = file.AsSpan();

        "\x7f"u8.CopyTo(f);
        "ELF"u8.CopyTo(f[1..]);
        f[4] = (byte)(Is64 ? 2 : 1);
        f[5] = 1;
        f[6] = 1;
        U16(f, 16, Type);
        U16(f, 18, (ushort)(Is64 ? 62 : 3));
        U32(f, 20, 1);
        if (Is64)
        {
            U64(f, 32, (ulong)phOffset);
            U64(f, 40, (ulong)SectionHeaderOffset);
            U16(f, 52, (ushort)ehSize);
            U16(f, 54, (ushort)phSize);
            U16(f, 56, 2);
            U16(f, 58, (ushort)shSize);
            U16(f, 60, 5);
            U16(f, 62, 4);
        }
        else
        {
            U32(f, 28, (uint)phOffset);
            U32(f, 32, (uint)SectionHeaderOffset);
            U16(f, 40, (ushort)ehSize);
            U16(f, 42, (ushort)phSize);
            U16(f, 44, 2);
            U16(f, 46, (ushort)shSize);
            U16(f, 48, 5);
            U16(f, 50, 4);
        }
        Program(f[phOffset..], 1, 5 /* R+X */, SegmentOffset, SegmentAddress, SegmentSize);
        Program(f[(phOffset + phSize)..], 4, 4, (ulong)noteOffset, 0, (ulong)note.Length);
        note.CopyTo(f[noteOffset..]);
        for (var i = 0; i < Symbols.Count; i++)
        {
            var s = f[(symOffset + (i + 1) * symSize)..];
            var (_, value, size, info) = Symbols[i];
            U32(s, 0, (uint)nameOffsets[i]);
            if (Is64)
            {
                s[4] = info;
                U16(s, 6, 1);
                U64(s, 8, value);
                U64(s, 16, size);
            }
            else
            {
                U32(s, 4, (uint)value);
                U32(s, 8, (uint)size);
                s[12] = info;
                U16(s, 14, 1);
            }
        }
        strtab.ToArray().CopyTo(f[strOffset..]);
        shstrtab.CopyTo(f[shstrOffset..]);
        // Sections: 0 null, 1 .symtab (link 2), 2 .strtab, 3 .note, 4 .shstrtab.
        Section(f[(SectionHeaderOffset + 1 * shSize)..], 1, 2, symOffset, symtabSize, 2, symSize);
        Section(f[(SectionHeaderOffset + 2 * shSize)..], 9, 3, strOffset, strtab.Count, 0, 0);
        Section(f[(SectionHeaderOffset + 3 * shSize)..], 17, 7, noteOffset, note.Length, 0, 0);
        Section(f[(SectionHeaderOffset + 4 * shSize)..], 23, 3, shstrOffset, shstrtab.Length, 0, 0);
        return file;
    }

    public int SectionHeaderSize => Is64 ? 64 : 40;

    private void Program(Span<byte> p, uint type, uint flags, ulong offset, ulong address, ulong size)
    {
        U32(p, 0, type);
        if (Is64)
        {
            U32(p, 4, flags);
            U64(p, 8, offset);
            U64(p, 16, address);
            U64(p, 24, address);
            U64(p, 32, size);
            U64(p, 40, size);
        }
        else
        {
            U32(p, 4, (uint)offset);
            U32(p, 8, (uint)address);
            U32(p, 12, (uint)address);
            U32(p, 16, (uint)size);
            U32(p, 20, (uint)size);
            U32(p, 24, flags);
        }
    }

    private void Section(Span<byte> s, uint name, uint type, int offset, int size, uint link, int entrySize)
    {
        U32(s, 0, name);
        U32(s, 4, type);
        if (Is64)
        {
            U64(s, 24, (ulong)offset);
            U64(s, 32, (ulong)size);
            U32(s, 40, link);
            U64(s, 56, (ulong)entrySize);
        }
        else
        {
            U32(s, 16, (uint)offset);
            U32(s, 20, (uint)size);
            U32(s, 24, link);
            U32(s, 36, (uint)entrySize);
        }
    }

    private static int Align(int value, int to) => (value + to - 1) / to * to;

    public static void U16(Span<byte> b, int at, ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(b[at..], v);

    public static void U32(Span<byte> b, int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b[at..], v);

    public static void U64(Span<byte> b, int at, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(b[at..], v);
}
