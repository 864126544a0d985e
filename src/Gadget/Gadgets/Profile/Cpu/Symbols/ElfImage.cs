namespace Gadget.Gadgets.Profile.Cpu.Symbols;

/// <summary>A loadable segment (PT_LOAD): where a range of the file goes in the image's
/// virtual addresses, which are what its symbols are expressed in.</summary>
public readonly record struct ElfSegment(ulong FileOffset, ulong VirtualAddress, ulong FileSize, bool Executable);

/// <summary>What symbolization needs of one ELF file: its loadable segments, its function
/// symbols (.symtab and .dynsym), and its build id. Made by <see cref="ElfReader"/>.</summary>
public sealed class ElfImage
{
    internal ElfImage(bool sharedObject, IReadOnlyList<ElfSegment> segments, ElfSymbolTable symbols, bool hasSymtab, string? buildId)
    {
        IsSharedObject = sharedObject;
        Segments = segments;
        Symbols = symbols;
        HasSymtab = hasSymtab;
        BuildId = buildId;
    }

    /// <summary>ET_DYN (a shared library or a position-independent executable), loaded anywhere.</summary>
    public bool IsSharedObject { get; }

    public IReadOnlyList<ElfSegment> Segments { get; }

    public ElfSymbolTable Symbols { get; }

    /// <summary>Whether the file has a full symbol table (.symtab), not only the exported
    /// symbols of .dynsym: a stripped file may have its .symtab in a separate debug file.</summary>
    public bool HasSymtab { get; }

    /// <summary>The GNU build id in lower-case hex, or null.</summary>
    public string? BuildId { get; }

    /// <summary>The virtual address that a byte of the file is loaded at: the file offset of
    /// an address of a process is (address - mapping start + mapping offset), whatever the load
    /// bias of a PIE executable or library. False when no loadable segment holds the offset.</summary>
    public bool TryFileOffsetToAddress(ulong fileOffset, out ulong address)
    {
        // Executable segments first: a page can be in two segments' file ranges when they share it.
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var segment in Segments)
            {
                if (segment.Executable != (pass == 0))
                    continue;
                if (fileOffset >= segment.FileOffset && fileOffset - segment.FileOffset < segment.FileSize)
                {
                    address = fileOffset - segment.FileOffset + segment.VirtualAddress;
                    return true;
                }
            }
        }
        address = 0;
        return false;
    }

    /// <summary>The same image with the symbols of its separate debug file.</summary>
    public ElfImage WithSymbols(ElfSymbolTable symbols) => new(IsSharedObject, Segments, symbols, true, BuildId);
}
