using System.Buffers.Binary;
using Gadget.Gadgets.Profile.Cpu.Symbols;

namespace Gadget.Tests.Gadgets.ProfileCpu;

/// <summary>The ELF reader on files gcc builds (checked against nm) and on broken files:
/// a broken file gives fewer symbols or none, never an exception.</summary>
public class ElfReaderTests
{
    private static ElfImage Read(string path)
    {
        using var file = File.OpenHandle(path);
        return ElfReader.TryRead(new FileElfSource(file)) ?? throw new InvalidOperationException($"{path} did not read");
    }

    private static ElfImage? Read(byte[] bytes) => ElfReader.TryRead(new MemoryElfSource(bytes));

    [Theory]
    [InlineData("pie")]
    [InlineData("nopie")]
    [InlineData("shared")]
    public void Finds_every_function_nm_lists_at_its_address(string kind)
    {
        var path = kind switch { "pie" => ElfFixtures.Pie, "nopie" => ElfFixtures.NoPie, _ => ElfFixtures.Shared };
        var image = Read(path);
        var nm = ElfFixtures.Nm(path);

        Assert.True(image.HasSymtab);
        foreach (var name in (string[])["alpha", "beta", "gamma_hidden"])
        {
            var address = nm[name].Address;
            Assert.True(image.Symbols.TryFind(address, out var atStart), $"{name} at {address:x}");
            Assert.Equal(name, atStart.Name);
            Assert.True(image.Symbols.TryFind(address + atStart.Size - 1, out var atEnd));
            Assert.Equal(name, atEnd.Name);
            Assert.True(atStart.Size > 0);
        }
        // Only functions: data symbols and undefined ones (printf) are not there.
        Assert.DoesNotContain(image.Symbols.Symbols, s => s.Name is "printf" or "stdout");
    }

    [Fact]
    public void Tells_position_independent_files_from_fixed_ones()
    {
        Assert.True(Read(ElfFixtures.Pie).IsSharedObject);
        Assert.True(Read(ElfFixtures.Shared).IsSharedObject);
        Assert.False(Read(ElfFixtures.NoPie).IsSharedObject);
    }

    [Fact]
    public void Reads_the_build_id_readelf_shows()
    {
        var notes = ElfFixtures.Run("readelf", "-n", ElfFixtures.Shared);
        var line = notes.Split('\n').Single(l => l.Contains("Build ID:", StringComparison.Ordinal));
        var expected = line[(line.IndexOf("Build ID:", StringComparison.Ordinal) + 9)..].Trim();

        Assert.Equal(expected, Read(ElfFixtures.Shared).BuildId);
    }

    [Fact]
    public void Maps_file_offsets_to_addresses_through_each_loadable_segment()
    {
        var image = Read(ElfFixtures.Pie);
        // "LOAD 0x002dd0 0x0000000000003dd0 0x... 0x000258 0x000268 RW 0x1000": offset, address, size.
        var loads = ElfFixtures.Run("readelf", "-lW", ElfFixtures.Pie).Split('\n')
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 8 && f[0] == "LOAD")
            .Select(f => (Offset: Convert.ToUInt64(f[1], 16), Address: Convert.ToUInt64(f[2], 16), Size: Convert.ToUInt64(f[4], 16)))
            .ToList();

        // The data segment of a PIE lies a page further in memory than in the file: the offset must be translated.
        Assert.Contains(loads, l => l.Offset != l.Address);
        foreach (var (offset, address, size) in loads)
        {
            Assert.True(image.TryFileOffsetToAddress(offset + size / 2, out var mapped));
            Assert.Equal(address + size / 2, mapped);
        }
        Assert.False(image.TryFileOffsetToAddress(1UL << 40, out _));
    }

    [Fact]
    public void A_stripped_library_keeps_its_exported_functions_only()
    {
        var image = Read(ElfFixtures.Stripped);
        var nm = ElfFixtures.Nm(ElfFixtures.Stripped, dynamic: true);

        Assert.False(image.HasSymtab);
        Assert.True(image.Symbols.TryFind(nm["alpha"].Address, out var alpha));
        Assert.Equal("alpha", alpha.Name);
        Assert.DoesNotContain(image.Symbols.Symbols, s => s.Name == "gamma_hidden");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Reads_a_hand_made_file_of_either_class(bool is64)
    {
        var builder = new ElfBuilder { Is64 = is64, Type = 2 /* ET_EXEC */ };
        builder.Symbols.Add(("first", 0x401000, 0x40, ElfBuilder.GlobalFunc));
        builder.Symbols.Add(("second", 0x401040, 0x20, ElfBuilder.LocalFunc));
        builder.Symbols.Add(("a_variable", 0x402000, 8, ElfBuilder.GlobalObject));
        builder.Symbols.Add(("entry", 0x401100, 0, ElfBuilder.GlobalFunc));

        var image = Read(builder.Build())!;

        Assert.False(image.IsSharedObject);
        Assert.Equal("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3", image.BuildId);
        Assert.Equal(["first", "second", "entry"], image.Symbols.Symbols.Select(s => s.Name));
        Assert.True(image.Symbols.TryFind(0x40103f, out var s1));
        Assert.Equal("first", s1.Name);
        Assert.True(image.Symbols.TryFind(0x401050, out var s2));
        Assert.Equal("second", s2.Name);
        // Between functions: nothing, rather than the function before.
        Assert.False(image.Symbols.TryFind(0x401080, out _));
        // A symbol of unknown size (an assembly entry point) covers what follows it.
        Assert.True(image.Symbols.TryFind(0x401180, out var s3));
        Assert.Equal("entry", s3.Name);
        Assert.False(image.Symbols.TryFind(0x400fff, out _));
        Assert.True(image.TryFileOffsetToAddress(0x1000, out var address));
        Assert.Equal(0x401000UL, address);
    }

    [Fact]
    public void Not_an_elf_file_is_null()
    {
        Assert.Null(Read([]));
        Assert.Null(Read("#!/bin/sh\necho this is a script, long enough to be read as a header\n"u8.ToArray()));
        var bigEndian = new ElfBuilder().Build();
        bigEndian[5] = 2;
        Assert.Null(Read(bigEndian));
        var badClass = new ElfBuilder().Build();
        badClass[4] = 3;
        Assert.Null(Read(badClass));
    }

    [Fact]
    public void Every_truncation_of_a_real_file_reads_without_throwing()
    {
        var bytes = File.ReadAllBytes(ElfFixtures.Shared);
        var full = Read(bytes)!;
        for (var length = 0; length < bytes.Length; length += length < 256 ? 1 : 61)
        {
            var image = Read(bytes[..length]);
            Assert.True(image is null || image.Symbols.Count <= full.Symbols.Count);
        }
    }

    [Fact]
    public void Random_corruption_reads_without_throwing()
    {
        var original = File.ReadAllBytes(ElfFixtures.Shared);
        var random = new Random(1234);
        for (var round = 0; round < 3000; round++)
        {
            var bytes = (byte[])original.Clone();
            var flips = random.Next(1, 16);
            for (var i = 0; i < flips; i++)
            {
                // Mostly the headers and tables, where the offsets and sizes are.
                var at = random.Next(4) == 0 ? random.Next(bytes.Length) : random.Next(Math.Min(bytes.Length, 128));
                bytes[at] = (byte)random.Next(256);
            }
            _ = Read(bytes);
        }
        var builder = new ElfBuilder();
        builder.Symbols.Add(("f", 0x401000, 16, ElfBuilder.GlobalFunc));
        var made = builder.Build();
        for (var round = 0; round < 3000; round++)
        {
            var bytes = (byte[])made.Clone();
            bytes[random.Next(bytes.Length > 512 ? 512 : bytes.Length)] = (byte)random.Next(256);
            bytes[builder.SectionHeaderOffset + random.Next(5 * builder.SectionHeaderSize)] = (byte)random.Next(256);
            _ = Read(bytes);
        }
    }

    [Fact]
    public void Hostile_offsets_and_sizes_are_refused_not_followed()
    {
        var builder = new ElfBuilder();
        builder.Symbols.Add(("f", 0x401000, 16, ElfBuilder.GlobalFunc));
        var shoff = builder.Build();
        var sh = builder.SectionHeaderOffset;
        var size = builder.SectionHeaderSize;

        // The symbol table claims to be huge, or to start past the end of the file.
        var hugeTable = (byte[])shoff.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(hugeTable.AsSpan(sh + size + 32), ulong.MaxValue - 8);
        Assert.Empty(Read(hugeTable)!.Symbols.Symbols);
        var farTable = (byte[])shoff.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(farTable.AsSpan(sh + size + 24), 1UL << 62);
        Assert.Empty(Read(farTable)!.Symbols.Symbols);

        // The string table's link points at no section, or at one that holds no strings.
        var badLink = (byte[])shoff.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(badLink.AsSpan(sh + size + 40), 4000);
        Assert.Empty(Read(badLink)!.Symbols.Symbols);
        var linkToSelf = (byte[])shoff.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(linkToSelf.AsSpan(sh + size + 40), 1);
        Assert.Empty(Read(linkToSelf)!.Symbols.Symbols);

        // Entries smaller than a symbol, and a name offset past the string table.
        var tinyEntries = (byte[])shoff.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(tinyEntries.AsSpan(sh + size + 56), 3);
        Assert.Empty(Read(tinyEntries)!.Symbols.Symbols);

        // Section and program headers past the end, a huge count, a wrapping offset.
        var farSections = (byte[])shoff.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(farSections.AsSpan(40), ulong.MaxValue - 10);
        Assert.Empty(Read(farSections)!.Symbols.Symbols);
        var manySections = (byte[])shoff.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(manySections.AsSpan(60), 0xffff);
        Assert.Empty(Read(manySections)!.Symbols.Symbols);
        var extendedCount = (byte[])shoff.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(extendedCount.AsSpan(60), 0); // count in section 0's size...
        BinaryPrimitives.WriteUInt64LittleEndian(extendedCount.AsSpan(sh + 32), 1UL << 40); // ...absurd
        Assert.Empty(Read(extendedCount)!.Symbols.Symbols);
        var farPrograms = (byte[])shoff.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(farPrograms.AsSpan(32), ulong.MaxValue);
        Assert.Empty(Read(farPrograms)!.Segments);
        var smallEntries = (byte[])shoff.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(smallEntries.AsSpan(54), 8);
        Assert.Empty(Read(smallEntries)!.Segments);

        // A note whose sizes run past its end.
        var badNote = (byte[])shoff.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(badNote.AsSpan(64 + 2 * 56 + 4), 0xfffffff0);
        Assert.Null(Read(badNote)!.BuildId);
    }

    [Fact]
    public void A_name_without_its_terminator_is_skipped()
    {
        var builder = new ElfBuilder();
        builder.Symbols.Add(("last", 0x401000, 16, ElfBuilder.GlobalFunc));
        var bytes = builder.Build();
        var sh = builder.SectionHeaderOffset + 2 * builder.SectionHeaderSize; // .strtab
        var size = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(sh + 32));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(sh + 32), size - 1); // cut the final NUL

        Assert.Empty(Read(bytes)!.Symbols.Symbols);
    }
}
