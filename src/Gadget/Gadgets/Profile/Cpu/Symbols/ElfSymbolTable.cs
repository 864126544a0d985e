namespace Gadget.Gadgets.Profile.Cpu.Symbols;

/// <summary>One function symbol: its address in the image, its size (0 when unknown) and name.</summary>
public readonly record struct ElfSymbol(ulong Address, ulong Size, string Name);

/// <summary>Function symbols sorted by address, for finding the function an address is in.</summary>
public sealed class ElfSymbolTable
{
    // Symbols can nest (a function and an alias of a part of it): look this far back for one that contains the address.
    private const int NestingLookBack = 8;

    private readonly ElfSymbol[] _symbols;

    public ElfSymbolTable(IEnumerable<ElfSymbol> symbols)
    {
        _symbols = [.. symbols];
        Array.Sort(_symbols, static (a, b) => a.Address.CompareTo(b.Address));
    }

    public static ElfSymbolTable Empty { get; } = new([]);

    public int Count => _symbols.Length;

    public IReadOnlyList<ElfSymbol> Symbols => _symbols;

    /// <summary>The function that contains <paramref name="address"/>: a symbol whose range holds
    /// it, else a symbol of unknown size that starts at or before it (assembly entry points).</summary>
    public bool TryFind(ulong address, out ElfSymbol symbol)
    {
        symbol = default;
        var index = LastAtOrBefore(address);
        if (index < 0)
            return false;
        for (var i = index; i >= 0 && i > index - NestingLookBack; i--)
        {
            var candidate = _symbols[i];
            if (candidate.Size > 0 && address - candidate.Address < candidate.Size)
            {
                symbol = candidate;
                return true;
            }
        }
        if (_symbols[index].Size == 0)
        {
            symbol = _symbols[index];
            return true;
        }
        return false;
    }

    private int LastAtOrBefore(ulong address)
    {
        int low = 0, high = _symbols.Length - 1, found = -1;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            if (_symbols[middle].Address <= address)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        return found;
    }
}
