using System.Buffers.Binary;
using System.Text;

namespace Gadget.Gadgets.Profile.Cpu.Symbols;

/// <summary>Reads the segments, function symbols and build id of an ELF file (32- or 64-bit,
/// little-endian). Every offset and size in the file is checked against the file before use,
/// and what a table would take is capped, so a truncated or hostile file gives null or fewer
/// symbols, never an exception or a huge allocation.</summary>
public static class ElfReader
{
    /// <summary>No symbol or string table above this is read (the largest real ones are tens of MB).</summary>
    public const long MaxTableBytes = 256L << 20;

    private const int MaxProgramHeaders = 4096;
    private const int MaxSectionHeaders = 1 << 16;
    private const int MaxNoteBytes = 1 << 16;

    private const ushort EtDyn = 3;
    private const uint PtLoad = 1, PtNote = 4;
    private const uint PfX = 1;
    private const uint ShtSymtab = 2, ShtStrtab = 3, ShtDynsym = 11;
    private const uint NtGnuBuildId = 3;
    private const byte SttFunc = 2, SttGnuIfunc = 10;
    private const ushort ShnUndef = 0, ShnLoReserve = 0xff00, ShnXindex = 0xffff;
    private const ushort PnXnum = 0xffff;

    /// <summary>The image, or null when the source is not a readable little-endian ELF file.</summary>
    public static ElfImage? TryRead(IElfSource source)
    {
        Span<byte> header = stackalloc byte[64];
        if (source.Length < 52 || !source.TryRead(0, header[..52]))
            return null;
        if (header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F')
            return null;
        if (header[5] != 1 || header[6] != 1) // ELFDATA2LSB, EV_CURRENT
            return null;
        var layout = header[4] switch
        {
            1 => Layout.Elf32,
            2 => Layout.Elf64,
            _ => null,
        };
        if (layout is null)
            return null;
        if (layout.Is64 && (source.Length < 64 || !source.TryRead(0, header)))
            return null;

        var type = U16(header, 16);
        var fields = new HeaderFields(layout, header);
        var sections = ReadSectionHeaders(source, layout, fields);
        var programHeaderCount = fields.PhNum == PnXnum && sections.Count > 0 ? sections[0].Info : fields.PhNum;
        var segments = new List<ElfSegment>();
        string? buildId = null;
        foreach (var program in ReadProgramHeaders(source, layout, fields.PhOff, fields.PhEntSize, programHeaderCount))
        {
            if (program.Type == PtLoad && program.FileSize > 0)
                segments.Add(new ElfSegment(program.Offset, program.VirtualAddress, program.FileSize, (program.Flags & PfX) != 0));
            else if (program.Type == PtNote && buildId is null)
                buildId = ReadBuildId(source, program.Offset, program.FileSize);
        }

        var symbols = new Dictionary<ulong, (ElfSymbol Symbol, int Rank)>();
        var hasSymtab = false;
        // .symtab first: where both name an address, its (local, fuller) name is as good and comes first.
        foreach (var wanted in (uint[])[ShtSymtab, ShtDynsym])
        {
            foreach (var section in sections)
            {
                if (section.Type != wanted || section.Link >= sections.Count || sections[(int)section.Link].Type != ShtStrtab)
                    continue;
                if (ReadSymbols(source, layout, section, sections[(int)section.Link], symbols) && wanted == ShtSymtab)
                    hasSymtab = true;
            }
        }
        if (buildId is null)
        {
            foreach (var section in sections)
            {
                if (section.Type == 7 /* SHT_NOTE */ && (buildId = ReadBuildId(source, section.Offset, section.Size)) is not null)
                    break;
            }
        }
        return new ElfImage(type == EtDyn, segments, new ElfSymbolTable(symbols.Values.Select(v => v.Symbol)), hasSymtab, buildId);
    }

    private static List<Section> ReadSectionHeaders(IElfSource source, Layout layout, HeaderFields fields)
    {
        var sections = new List<Section>();
        if (fields.ShOff == 0 || fields.ShEntSize < layout.SectionHeaderSize)
            return sections;
        Span<byte> entry = stackalloc byte[64];
        var count = (ulong)fields.ShNum;
        if (count == 0)
        {
            // More sections than e_shnum holds: the count is in section 0's sh_size.
            if (!TryReadEntry(source, fields.ShOff, 0, fields.ShEntSize, entry[..layout.SectionHeaderSize]))
                return sections;
            count = layout.ReadSection(entry).Size;
        }
        if (count > MaxSectionHeaders)
            return sections;
        for (var i = 0UL; i < count; i++)
        {
            if (!TryReadEntry(source, fields.ShOff, i, fields.ShEntSize, entry[..layout.SectionHeaderSize]))
                return [];
            sections.Add(layout.ReadSection(entry));
        }
        return sections;
    }

    private static List<ProgramHeader> ReadProgramHeaders(IElfSource source, Layout layout, ulong offset, ushort entrySize, uint count)
    {
        var programs = new List<ProgramHeader>();
        if (offset == 0 || entrySize < layout.ProgramHeaderSize || count > MaxProgramHeaders)
            return programs;
        Span<byte> entry = stackalloc byte[56];
        for (var i = 0UL; i < count; i++)
        {
            if (!TryReadEntry(source, offset, i, entrySize, entry[..layout.ProgramHeaderSize]))
                return [];
            programs.Add(layout.ReadProgram(entry));
        }
        return programs;
    }

    /// <summary>Reads entry <paramref name="index"/> of a table; false when it lies outside the file.</summary>
    private static bool TryReadEntry(IElfSource source, ulong tableOffset, ulong index, ulong entrySize, Span<byte> entry)
    {
        // index and entry size are small (checked by the callers), so the product cannot overflow.
        var offset = tableOffset + index * entrySize;
        return offset >= tableOffset && offset <= long.MaxValue && source.TryRead((long)offset, entry);
    }

    private static bool ReadSymbols(IElfSource source, Layout layout, Section table, Section strings, Dictionary<ulong, (ElfSymbol, int)> symbols)
    {
        var entrySize = table.EntrySize == 0 ? (ulong)layout.SymbolSize : table.EntrySize;
        if (entrySize < (ulong)layout.SymbolSize || entrySize > 1024)
            return false;
        if (ReadTable(source, table.Offset, table.Size) is not { } bytes || ReadTable(source, strings.Offset, strings.Size) is not { } names)
            return false;
        var count = (ulong)bytes.Length / entrySize;
        for (var i = 0UL; i < count; i++)
        {
            var entry = bytes.AsSpan((int)(i * entrySize), layout.SymbolSize);
            var symbol = layout.ReadSymbol(entry);
            var kind = symbol.Info & 0xf;
            if (kind != SttFunc && kind != SttGnuIfunc)
                continue;
            if (symbol.SectionIndex == ShnUndef || (symbol.SectionIndex >= ShnLoReserve && symbol.SectionIndex != ShnXindex) || symbol.Value == 0)
                continue;
            if (symbol.Name >= (uint)names.Length)
                continue;
            var name = names.AsSpan((int)symbol.Name);
            var end = name.IndexOf((byte)0);
            if (end <= 0)
                continue;
            // A sized symbol beats one of unknown size at the same address; then global, weak, local.
            var rank = (symbol.Size > 0 ? 0 : 4) + (symbol.Info >> 4) switch { 1 => 0, 2 => 1, _ => 2 };
            if (symbols.TryGetValue(symbol.Value, out var existing) && existing.Item2 <= rank)
                continue;
            symbols[symbol.Value] = (new ElfSymbol(symbol.Value, symbol.Size, Encoding.UTF8.GetString(name[..end])), rank);
        }
        return true;
    }

    /// <summary>A whole section's bytes, or null when it is not all inside the file or too large.</summary>
    private static byte[]? ReadTable(IElfSource source, ulong offset, ulong size)
    {
        if (size == 0 || size > MaxTableBytes || offset > (ulong)source.Length || size > (ulong)source.Length - offset)
            return null;
        var bytes = new byte[size];
        return source.TryRead((long)offset, bytes) ? bytes : null;
    }

    /// <summary>The GNU build id among the notes of a segment or section (Elf_Nhdr: namesz,
    /// descsz, type, then name and desc, each padded to 4 bytes).</summary>
    private static string? ReadBuildId(IElfSource source, ulong offset, ulong size)
    {
        if (size > MaxNoteBytes || ReadTable(source, offset, size) is not { } notes)
            return null;
        var at = 0L;
        while (at + 12 <= notes.Length)
        {
            var nameSize = (long)U32(notes, (int)at);
            var descSize = (long)U32(notes, (int)at + 4);
            var type = U32(notes, (int)at + 8);
            var name = at + 12;
            var desc = name + Align4(nameSize);
            var next = desc + Align4(descSize);
            if (next > notes.Length || next <= at)
                return null;
            if (type == NtGnuBuildId && nameSize == 4 && notes.AsSpan((int)name, 4).SequenceEqual("GNU\0"u8) && descSize is > 0 and <= 64)
                return Convert.ToHexStringLower(notes, (int)desc, (int)descSize);
            at = next;
        }
        return null;
    }

    private static long Align4(long value) => (value + 3) & ~3L;

    private static ushort U16(ReadOnlySpan<byte> bytes, int at) => BinaryPrimitives.ReadUInt16LittleEndian(bytes[at..]);

    private static uint U32(ReadOnlySpan<byte> bytes, int at) => BinaryPrimitives.ReadUInt32LittleEndian(bytes[at..]);

    private static ulong U64(ReadOnlySpan<byte> bytes, int at) => BinaryPrimitives.ReadUInt64LittleEndian(bytes[at..]);

    private readonly record struct Section(uint Type, ulong Offset, ulong Size, uint Link, uint Info, ulong EntrySize);

    private readonly record struct ProgramHeader(uint Type, uint Flags, ulong Offset, ulong VirtualAddress, ulong FileSize);

    private readonly record struct Symbol(uint Name, byte Info, ushort SectionIndex, ulong Value, ulong Size);

    /// <summary>The fields of the ELF header that locate the tables.</summary>
    private readonly ref struct HeaderFields
    {
        public HeaderFields(Layout layout, ReadOnlySpan<byte> header)
        {
            if (layout.Is64)
            {
                PhOff = U64(header, 32);
                ShOff = U64(header, 40);
                PhEntSize = U16(header, 54);
                PhNum = U16(header, 56);
                ShEntSize = U16(header, 58);
                ShNum = U16(header, 60);
            }
            else
            {
                PhOff = U32(header, 28);
                ShOff = U32(header, 32);
                PhEntSize = U16(header, 42);
                PhNum = U16(header, 44);
                ShEntSize = U16(header, 46);
                ShNum = U16(header, 48);
            }
        }

        public ulong PhOff { get; }
        public ulong ShOff { get; }
        public ushort PhEntSize { get; }
        public ushort PhNum { get; }
        public ushort ShEntSize { get; }
        public ushort ShNum { get; }
    }

    /// <summary>Where the fields of headers and symbols are in ELF32 and ELF64.</summary>
    private sealed class Layout
    {
        public static readonly Layout Elf32 = new(false);
        public static readonly Layout Elf64 = new(true);

        private Layout(bool is64) => Is64 = is64;

        public bool Is64 { get; }

        public int ProgramHeaderSize => Is64 ? 56 : 32;

        public int SectionHeaderSize => Is64 ? 64 : 40;

        public int SymbolSize => Is64 ? 24 : 16;

        public ProgramHeader ReadProgram(ReadOnlySpan<byte> p) => Is64
            ? new(U32(p, 0), U32(p, 4), U64(p, 8), U64(p, 16), U64(p, 32))
            : new(U32(p, 0), U32(p, 24), U32(p, 4), U32(p, 8), U32(p, 16));

        public Section ReadSection(ReadOnlySpan<byte> s) => Is64
            ? new(U32(s, 4), U64(s, 24), U64(s, 32), U32(s, 40), U32(s, 44), U64(s, 56))
            : new(U32(s, 4), U32(s, 16), U32(s, 20), U32(s, 24), U32(s, 28), U32(s, 36));

        public Symbol ReadSymbol(ReadOnlySpan<byte> s) => Is64
            ? new(U32(s, 0), s[4], U16(s, 6), U64(s, 8), U64(s, 16))
            : new(U32(s, 0), s[12], U16(s, 14), U32(s, 4), U32(s, 8));
    }
}
