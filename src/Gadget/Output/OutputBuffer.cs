using System.Buffers;
using Gadget.Gadgets;

namespace Gadget.Output;

/// <summary>Collects formatted UTF-8 output and writes it to a stream in large chunks: once per
/// batch of events, or sooner when it grows past a threshold. Reused for the whole run.</summary>
public sealed class OutputBuffer : IBufferWriter<byte>
{
    private const int FlushThreshold = 256 * 1024;
    private readonly Stream _stream;
    private byte[] _buffer = new byte[FlushThreshold * 2];
    private int _length;

    public OutputBuffer(Stream stream) => _stream = stream;

    public int Length => _length;

    public void Advance(int count) => _length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_length);
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void Write(byte b)
    {
        Ensure(1);
        _buffer[_length++] = b;
    }

    /// <summary>Removes trailing <paramref name="b"/> bytes, but none before position <paramref name="floor"/>.</summary>
    public void TrimEnd(byte b, int floor)
    {
        while (_length > floor && _buffer[_length - 1] == b)
            _length--;
    }

    /// <summary>Flushes when enough has accumulated; call after each event.</summary>
    public void FlushIfLarge()
    {
        if (_length >= FlushThreshold)
            Flush();
    }

    /// <summary>Writes everything collected to the stream. A reader that went away is an
    /// <see cref="OutputClosedException"/> (the run ends normally); any other failure to write
    /// is one error line (<see cref="GadgetException"/>): output that cannot be written must not
    /// look like a run that had nothing to say.</summary>
    public void Flush()
    {
        if (_length == 0)
            return;
        var length = _length;
        _length = 0;
        try
        {
            _stream.Write(_buffer, 0, length);
            _stream.Flush();
        }
        catch (IOException e) when (e is not OutputClosedException)
        {
            if (OutputClosedException.IsBrokenPipe(e))
                throw new OutputClosedException("the output was closed", e);
            throw new GadgetException($"cannot write the output: {e.Message}", e);
        }
    }

    private void Ensure(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 256);
        if (_buffer.Length - _length >= sizeHint)
            return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + sizeHint));
    }
}
