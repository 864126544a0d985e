using System.Globalization;

namespace Gadget.Gadgets.Profile.Cpu.Symbols;

/// <summary>The kernel's function symbols from /proc/kallsyms, to name kernel stack frames.
/// Addresses are all zero when the kernel hides them (kptr_restrict): then nothing resolves.</summary>
public sealed class KernelSymbols
{
    public const string Unknown = "[unknown]";

    private readonly ulong[] _addresses;
    private readonly string[] _names;

    private KernelSymbols(ulong[] addresses, string[] names)
    {
        _addresses = addresses;
        _names = names;
    }

    public int Count => _addresses.Length;

    /// <summary>No symbols: every address is "[unknown]".</summary>
    public static KernelSymbols Empty { get; } = new([], []);

    /// <summary>The running kernel's symbols; none when /proc/kallsyms cannot be read.</summary>
    public static KernelSymbols Load()
    {
        try
        {
            using var reader = new StreamReader("/proc/kallsyms", System.Text.Encoding.UTF8, false, 1 << 16);
            return Parse(reader);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Empty;
        }
    }

    /// <summary>Reads "address type name[\t[module]]" lines, keeping code symbols (types t, T,
    /// w, W) with a non-zero address; other lines, and malformed ones, are skipped.</summary>
    public static KernelSymbols Parse(TextReader kallsyms)
    {
        var symbols = new List<(ulong Address, string Name)>(1 << 16);
        while (kallsyms.ReadLine() is { } text)
        {
            var line = text.AsSpan();
            var space = line.IndexOf(' ');
            if (space <= 0 || line.Length < space + 4 || line[space + 2] != ' ')
                continue;
            var type = (char)(line[space + 1] | 0x20);
            if (type is not ('t' or 'w'))
                continue;
            if (!ulong.TryParse(line[..space], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var address) || address == 0)
                continue;
            var name = line[(space + 3)..];
            var end = name.IndexOfAny('\t', ' ');
            if (end >= 0)
                name = name[..end];
            if (!name.IsEmpty)
                symbols.Add((address, name.ToString()));
        }
        // A stable sort, and the first of the names at one address kept: the same name every run.
        var sorted = symbols.OrderBy(static s => s.Address).ToList();
        sorted = [.. sorted.Where((s, i) => i == 0 || sorted[i - 1].Address != s.Address)];
        return new KernelSymbols([.. sorted.Select(s => s.Address)], [.. sorted.Select(s => s.Name)]);
    }

    /// <summary>The function at or below <paramref name="address"/>, or "[unknown]" when it is
    /// below the first symbol (as the reference's lookup does).</summary>
    public string Name(ulong address)
    {
        var index = Array.BinarySearch(_addresses, address);
        if (index < 0)
            index = ~index - 1;
        return index >= 0 ? _names[index] : Unknown;
    }
}
