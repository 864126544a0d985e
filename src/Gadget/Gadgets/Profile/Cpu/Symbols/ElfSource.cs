using Microsoft.Win32.SafeHandles;

namespace Gadget.Gadgets.Profile.Cpu.Symbols;

/// <summary>Where the bytes of an ELF image come from: a file read at offsets (only the parts
/// that matter are read, never the whole file), or memory (the vDSO, tests).</summary>
public interface IElfSource
{
    long Length { get; }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/>; false when the
    /// range is not all inside the source or cannot be read.</summary>
    bool TryRead(long offset, Span<byte> buffer);
}

/// <summary>An ELF image in memory.</summary>
public sealed class MemoryElfSource(ReadOnlyMemory<byte> bytes) : IElfSource
{
    public long Length => bytes.Length;

    public bool TryRead(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset > bytes.Length || buffer.Length > bytes.Length - offset)
            return false;
        bytes.Span.Slice((int)offset, buffer.Length).CopyTo(buffer);
        return true;
    }
}

/// <summary>An ELF file, read with pread at the offsets its headers give.</summary>
public sealed class FileElfSource : IElfSource
{
    private readonly SafeFileHandle _file;

    public FileElfSource(SafeFileHandle file)
    {
        _file = file;
        Length = RandomAccess.GetLength(file);
    }

    public long Length { get; }

    public bool TryRead(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset > Length || buffer.Length > Length - offset)
            return false;
        try
        {
            while (!buffer.IsEmpty)
            {
                var read = RandomAccess.Read(_file, buffer, offset);
                if (read <= 0)
                    return false; // the file shrank under us
                buffer = buffer[read..];
                offset += read;
            }
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
