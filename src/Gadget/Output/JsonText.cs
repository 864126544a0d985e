using System.Buffers;
using System.Text;

namespace Gadget.Output;

/// <summary>JSON string literals for values that the writer's relaxed escaping would pass
/// through as they are: invalid UTF-8 and the code points <see cref="TerminalText"/> calls
/// unsafe (C1 controls, bidi overrides, ...). The literal is valid JSON whatever the bytes
/// were; unsafe code points are written as \uNNNN (a JSON reader gets the exact value back),
/// and each byte that is not valid UTF-8 as U+FFFD, as the reference (Go's encoding/json)
/// does, since a JSON string cannot hold a raw byte.</summary>
public static class JsonText
{
    /// <summary>The most bytes <see cref="WriteLiteral"/> writes for <paramref name="length"/> input bytes.</summary>
    public static int MaxLiteralLength(int length) => (length * 6) + 2;

    /// <summary>Writes <paramref name="utf8"/> as a quoted JSON string into
    /// <paramref name="destination"/> (at least <see cref="MaxLiteralLength"/> bytes); returns
    /// the bytes written.</summary>
    public static int WriteLiteral(ReadOnlySpan<byte> utf8, Span<byte> destination)
    {
        var written = 0;
        destination[written++] = (byte)'"';
        while (!utf8.IsEmpty)
        {
            var b = utf8[0];
            if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\')
            {
                destination[written++] = b;
                utf8 = utf8[1..];
                continue;
            }
            if (b == '"' || b == '\\')
            {
                destination[written++] = (byte)'\\';
                destination[written++] = b;
                utf8 = utf8[1..];
                continue;
            }
            var status = Rune.DecodeFromUtf8(utf8, out var rune, out var consumed);
            if (status != OperationStatus.Done)
            {
                written += Escape(destination[written..], 0xfffd);
                utf8 = utf8[1..];
                continue;
            }
            if (TerminalText.IsUnsafe(rune.Value))
                written += Escape(destination[written..], rune.Value);
            else
            {
                utf8[..consumed].CopyTo(destination[written..]);
                written += consumed;
            }
            utf8 = utf8[consumed..];
        }
        destination[written++] = (byte)'"';
        return written;
    }

    private static int Escape(Span<byte> destination, int value)
    {
        destination[0] = (byte)'\\';
        destination[1] = (byte)'u';
        for (var i = 0; i < 4; i++)
            destination[2 + i] = (byte)"0123456789abcdef"[(value >> (4 * (3 - i))) & 0xf];
        return 6;
    }
}
