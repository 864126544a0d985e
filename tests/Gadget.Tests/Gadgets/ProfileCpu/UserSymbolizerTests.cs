using System.Diagnostics;
using System.Globalization;
using Gadget.Gadgets.Profile.Cpu.Symbols;

namespace Gadget.Tests.Gadgets.ProfileCpu;

/// <summary>Symbolization of a live process: a PIE executable loaded at a random address,
/// found through the process's /proc entries.</summary>
public class UserSymbolizerTests
{
    [Theory]
    [InlineData("pie")]
    [InlineData("nopie")]
    public void Names_the_functions_of_a_running_executable(string kind)
    {
        using var process = Start(kind == "pie" ? ElfFixtures.Pie : ElfFixtures.NoPie, out var addresses);
        using var symbolizer = new UserSymbolizer();

        symbolizer.Track(process.Id, addresses);

        Assert.Equal("alpha", symbolizer.Name(process.Id, addresses[0], returnAddress: false));
        Assert.Equal("beta", symbolizer.Name(process.Id, addresses[1] + 2, returnAddress: false));
        Assert.Equal("gamma_hidden", symbolizer.Name(process.Id, addresses[2], returnAddress: false));
        // A return address right after the last byte of alpha is still a call from alpha:
        // beta starts there, but the caller looked up is the byte before.
        Assert.Equal("alpha", symbolizer.Name(process.Id, addresses[1], returnAddress: true));
        Assert.Equal(0, symbolizer.UnreadableProcesses);
    }

    [Fact]
    public void A_process_that_exited_before_it_was_read_keeps_raw_addresses()
    {
        var process = Start(ElfFixtures.Pie, out var addresses);
        process.StandardInput.WriteLine();
        process.WaitForExit();
        var pid = process.Id;
        process.Dispose();
        using var symbolizer = new UserSymbolizer();

        symbolizer.Track(pid, addresses);

        Assert.Equal("0x" + addresses[0].ToString("x", CultureInfo.InvariantCulture), symbolizer.Name(pid, addresses[0], false));
        Assert.Equal(1, symbolizer.UnreadableProcesses);
    }

    [Fact]
    public void A_process_read_while_alive_is_still_named_after_it_exits()
    {
        var process = Start(ElfFixtures.Pie, out var addresses);
        using var symbolizer = new UserSymbolizer();
        symbolizer.Track(process.Id, addresses);
        process.StandardInput.WriteLine();
        process.WaitForExit();
        var pid = process.Id;
        process.Dispose();

        symbolizer.Track(pid, [addresses[0], 0x10]); // outside what was read: what was read stays

        Assert.Equal("alpha", symbolizer.Name(pid, addresses[0], false));
        Assert.Equal("0x10", symbolizer.Name(pid, 0x10, false));
        // What the map read holds no code at: the end of a walk that went too far.
        Assert.True(symbolizer.IsOutsideCode(pid, 0x10));
        Assert.False(symbolizer.IsOutsideCode(pid, addresses[1]));
        Assert.False(symbolizer.IsOutsideCode(pid + 1_000_000, 0x10)); // nothing known of it
    }

    [Fact]
    public void A_file_deleted_and_a_process_gone_after_it_was_seen_are_still_read_at_the_report()
    {
        var copy = Path.Combine(Path.GetTempPath(), $"igt-elf-copy-{Guid.NewGuid():N}");
        File.Copy(ElfFixtures.Pie, copy);
        var process = Start(copy, out var addresses);
        using var symbolizer = new UserSymbolizer();
        symbolizer.Track(process.Id, addresses);

        File.Delete(copy);
        process.StandardInput.WriteLine();
        process.WaitForExit();
        var pid = process.Id;
        process.Dispose();

        // Seen while it ran (the file was opened then), read only now.
        Assert.Equal("beta", symbolizer.Name(pid, addresses[1], false));
    }

    [Fact]
    public void Frames_in_a_library_without_a_symbol_are_named_by_file_and_address()
    {
        using var process = Start(ElfFixtures.Pie, out var addresses);
        using var symbolizer = new UserSymbolizer();
        // The executable's first mapping is its ELF header (offset 0, not executable in a PIE
        // built by a recent linker); find an executable mapping's first byte instead.
        var mapping = File.ReadLines($"/proc/{process.Id}/maps")
            .Select(l => MemoryMapping.TryParse(l, out var m) ? m : default)
            .First(m => m.Executable && m.Path.EndsWith("/pie", StringComparison.Ordinal));
        symbolizer.Track(process.Id, [mapping.Start]);

        var name = symbolizer.Name(process.Id, mapping.Start, false);

        // The first bytes of .init/.plt belong to no function symbol gcc emits... or to _init.
        Assert.True(name.StartsWith("pie+0x", StringComparison.Ordinal) || name == "_init", name);
    }

    [Fact]
    public void The_vdso_is_read_from_memory()
    {
        var vdso = Vdso.Image;

        Assert.NotNull(vdso);
        Assert.Contains(vdso.Symbols.Symbols, s => s.Name.Contains("clock_gettime", StringComparison.Ordinal));
    }

    private static Process Start(string path, out ulong[] addresses)
    {
        var process = Process.Start(new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardInput = true })!;
        var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the fixture printed nothing");
        addresses = [.. line.Split(' ').Select(a => Convert.ToUInt64(a, 16))];
        return process;
    }
}
