namespace Gadget.Gadgets.Profile.Cpu.Symbols;

/// <summary>The kernel's vDSO, which every process maps: read from ig's own memory, since it
/// has no file. (A 32-bit process maps the 32-bit vDSO, which this is not; its frames stay
/// unnamed.)</summary>
public static class Vdso
{
    private static readonly Lazy<ElfImage?> Current = new(Read);

    public static ElfImage? Image => Current.Value;

    /// <summary>The vDSO as the image of a mapping (read once, when first asked for).</summary>
    internal static ElfImageCache.LazyImage Lazy { get; } = new(static () => Image, null);

    private static ElfImage? Read()
    {
        try
        {
            using var maps = new StreamReader("/proc/self/maps");
            while (maps.ReadLine() is { } line)
            {
                if (!MemoryMapping.TryParse(line, out var mapping) || mapping.Path != "[vdso]")
                    continue;
                var bytes = new byte[mapping.End - mapping.Start];
                using var memory = File.OpenHandle("/proc/self/mem", FileMode.Open, FileAccess.Read);
                var read = 0;
                while (read < bytes.Length)
                {
                    var n = RandomAccess.Read(memory, bytes.AsSpan(read), (long)mapping.Start + read);
                    if (n <= 0)
                        return null;
                    read += n;
                }
                return ElfReader.TryRead(new MemoryElfSource(bytes));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }
}
