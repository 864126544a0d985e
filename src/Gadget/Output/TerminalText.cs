using System.Buffers;
using System.Text;

namespace Gadget.Output;

/// <summary>Makes bytes from the kernel or a container (command names, file names, arguments,
/// labels) safe to print on a terminal: nothing they contain may move the cursor, change
/// colours, start an escape sequence or reorder what follows. Printable text, ASCII or not,
/// passes unchanged; what is not becomes visible ASCII:
/// <list type="bullet">
/// <item>C0 controls and DEL (one byte each) as <c>\xNN</c> (ESC is <c>\x1b</c>, a newline <c>\x0a</c>);</item>
/// <item>C1 controls (U+0080–U+009F, written as UTF-8) and the characters that reorder or break
/// lines (bidi embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, the marks
/// U+200E, U+200F and U+061C, the separators U+2028 and U+2029) as <c>\uNNNN</c>;</item>
/// <item>bytes that are not valid UTF-8 (such as a lone 0x9b, which some terminals read as a
/// CSI) as <c>\xNN</c>, one per byte.</item>
/// </list>
/// A backslash is left as it is, so a name that itself contains "\x1b" reads the same as an
/// escaped ESC; the JSON output keeps such values apart.</summary>
public static class TerminalText
{
    /// <summary>The most bytes <see cref="Escape"/> writes for <paramref name="length"/> input bytes.</summary>
    public static int MaxEscapedLength(int length) => length * 4;

    /// <summary>True when the code point is one that must not reach a terminal (or a JSON
    /// reader's display) as itself.</summary>
    public static bool IsUnsafe(int codePoint) =>
        codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f) ||
        codePoint is 0x061c or 0x200e or 0x200f or 0x2028 or 0x2029 ||
        (codePoint >= 0x202a && codePoint <= 0x202e) || (codePoint >= 0x2066 && codePoint <= 0x2069);

    /// <summary>True when <paramref name="utf8"/> is valid UTF-8 without any unsafe code point,
    /// i.e. <see cref="Escape"/> would copy it unchanged.</summary>
    public static bool IsSafe(ReadOnlySpan<byte> utf8)
    {
        while (!utf8.IsEmpty)
        {
            var b = utf8[0];
            if (b >= 0x20 && b < 0x7f)
            {
                utf8 = utf8[1..];
                continue;
            }
            if (Rune.DecodeFromUtf8(utf8, out var rune, out var consumed) != OperationStatus.Done || IsUnsafe(rune.Value))
                return false;
            utf8 = utf8[consumed..];
        }
        return true;
    }

    /// <summary>Writes <paramref name="utf8"/> escaped into <paramref name="destination"/>
    /// (at least <see cref="MaxEscapedLength"/> bytes) and returns how many bytes it wrote.</summary>
    public static int Escape(ReadOnlySpan<byte> utf8, Span<byte> destination)
    {
        var written = 0;
        while (!utf8.IsEmpty)
        {
            var b = utf8[0];
            if (b >= 0x20 && b < 0x7f)
            {
                destination[written++] = b;
                utf8 = utf8[1..];
                continue;
            }
            var status = Rune.DecodeFromUtf8(utf8, out var rune, out var consumed);
            if (status != OperationStatus.Done)
            {
                // One byte at a time, so that what follows an invalid byte is decoded afresh.
                written += Hex(destination[written..], (byte)'x', b, 2);
                utf8 = utf8[1..];
                continue;
            }
            if (rune.Value < 0x80)
                written += Hex(destination[written..], (byte)'x', b, 2);
            else if (IsUnsafe(rune.Value))
                written += Hex(destination[written..], (byte)'u', rune.Value, 4);
            else
            {
                utf8[..consumed].CopyTo(destination[written..]);
                written += consumed;
            }
            utf8 = utf8[consumed..];
        }
        return written;
    }

    private static int Hex(Span<byte> destination, byte kind, int value, int digits)
    {
        destination[0] = (byte)'\\';
        destination[1] = kind;
        for (var i = 0; i < digits; i++)
            destination[2 + i] = (byte)"0123456789abcdef"[(value >> (4 * (digits - 1 - i))) & 0xf];
        return 2 + digits;
    }
}
