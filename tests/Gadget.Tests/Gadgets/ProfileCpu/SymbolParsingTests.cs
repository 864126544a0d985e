using Gadget.Gadgets.Profile.Cpu.Symbols;

namespace Gadget.Tests.Gadgets.ProfileCpu;

/// <summary>/proc/kallsyms and /proc/PID/maps parsing, good and bad lines.</summary>
public class SymbolParsingTests
{
    private const string Kallsyms = """
        ffffffff81000000 T _text
        ffffffff81000000 T startup_64
        ffffffff81001000 t do_one
        ffffffff81001100 T do_two
        ffffffff81002000 D some_data
        ffffffff81003000 W weak_fn
        ffffffffc0001000 t mod_fn	[some_module]
        0000000000000000 T hidden
        not-an-address T bad
        ffffffff81004000 T
        short
        """;

    [Fact]
    public void Kernel_symbols_name_the_function_at_or_below_an_address()
    {
        var symbols = KernelSymbols.Parse(new StringReader(Kallsyms));

        Assert.Equal(5, symbols.Count); // startup_64 shares _text's address; the line without a name is cut short
        Assert.Equal("_text", symbols.Name(0xffffffff81000000));
        Assert.Equal("_text", symbols.Name(0xffffffff81000fff));
        Assert.Equal("do_one", symbols.Name(0xffffffff81001000));
        Assert.Equal("do_two", symbols.Name(0xffffffff81001234));
        // Data symbols are not functions: the address stays with the function before.
        Assert.Equal("do_two", symbols.Name(0xffffffff81002004));
        Assert.Equal("weak_fn", symbols.Name(0xffffffff81003010));
        Assert.Equal("mod_fn", symbols.Name(0xffffffffc0001004));
        Assert.Equal(KernelSymbols.Unknown, symbols.Name(0xffffffff80000000));
    }

    [Fact]
    public void Hidden_kernel_addresses_resolve_nothing()
    {
        var symbols = KernelSymbols.Parse(new StringReader("0000000000000000 T _text\n0000000000000000 t do_one\n"));

        Assert.Equal(0, symbols.Count);
        Assert.Equal(KernelSymbols.Unknown, symbols.Name(0xffffffff81000000));
    }

    [Fact]
    public void The_running_kernels_symbols_load()
    {
        var symbols = KernelSymbols.Load();

        // Unprivileged, the addresses read as zero: no symbol, and no failure either.
        Assert.True(symbols.Count == 0 || symbols.Count > 1000);
    }

    [Fact]
    public void A_maps_line_gives_range_offset_file_and_permissions()
    {
        Assert.True(MemoryMapping.TryParse("7f3c1a2b3000-7f3c1a2d5000 r-xp 00026000 08:01 1234567                    /usr/lib/x86_64-linux-gnu/libc.so.6", out var libc));
        Assert.Equal(0x7f3c1a2b3000UL, libc.Start);
        Assert.Equal(0x7f3c1a2d5000UL, libc.End);
        Assert.Equal(0x26000UL, libc.Offset);
        Assert.True(libc.Executable);
        Assert.Equal((8UL << 32) | 1, libc.Device);
        Assert.Equal(1234567UL, libc.Inode);
        Assert.Equal("/usr/lib/x86_64-linux-gnu/libc.so.6", libc.Path);
        Assert.True(libc.IsFile);
        Assert.False(libc.Deleted);
        Assert.True(libc.Contains(0x7f3c1a2b3000) && !libc.Contains(0x7f3c1a2d5000));
    }

    [Fact]
    public void Maps_lines_with_spaces_deleted_files_and_pseudo_paths()
    {
        Assert.True(MemoryMapping.TryParse("55d0a0000000-55d0a0001000 r-xp 00001000 00:2f 77 /tmp/a dir/my prog (deleted)", out var deleted));
        Assert.Equal("/tmp/a dir/my prog", deleted.Path);
        Assert.True(deleted.Deleted);
        Assert.True(MemoryMapping.TryParse("7ffd4e5f0000-7ffd4e5f2000 r-xp 00000000 00:00 0                          [vdso]", out var vdso));
        Assert.Equal("[vdso]", vdso.Path);
        Assert.False(vdso.IsFile);
        Assert.True(MemoryMapping.TryParse("7f0000000000-7f0000001000 rw-p 00000000 00:00 0 ", out var anonymous));
        Assert.Equal("", anonymous.Path);
        Assert.False(anonymous.Executable);
        Assert.True(MemoryMapping.TryParse("ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]", out var vsyscall));
        Assert.True(vsyscall.Executable);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("7f00-7e00 r-xp 0 08:01 1 /end/before/start")]
    [InlineData("7f00-7f10 r-xp zz 08:01 1 /bad/offset")]
    [InlineData("7f00-7f10 r-xp 0 0801 1 /bad/device")]
    [InlineData("7f00-7f10 r-xp 0 08:01 -1 /bad/inode")]
    [InlineData("7f00 r-xp 0 08:01 1 /no/range")]
    [InlineData("7f00-7f10 r- 0 08:01 1 /short/perms")]
    public void Malformed_maps_lines_are_refused(string line) =>
        Assert.False(MemoryMapping.TryParse(line, out _));

    [Fact]
    public void Only_executable_mappings_are_kept_in_address_order()
    {
        var maps = """
            7f0000003000-7f0000004000 r-xp 00000000 08:01 2 /b
            7f0000001000-7f0000002000 r-xp 00000000 08:01 1 /a
            7f0000005000-7f0000006000 rw-p 00000000 08:01 1 /a
            bad line
            """;

        var mappings = MemoryMapping.ParseExecutable(new StringReader(maps));

        Assert.Equal(["/a", "/b"], mappings.Select(m => m.Path));
    }
}
