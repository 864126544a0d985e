namespace Gadget.Gadgets.Common;

/// <summary>Byte counts as docker/go-units' BytesSize writes them, which the reference's top
/// columns use: powers of 1024, four significant digits without trailing zeros ("%.4g"),
/// then the unit ("0B", "1023B", "1.5KiB", "300KiB", "1MiB", "1.177MiB").</summary>
public static class ByteSizeText
{
    /// <summary>The longest text: five characters of number ("1.234", "1024") and a unit of three.</summary>
    public const int MaxLength = 8;

    private static readonly byte[][] Units =
        ["B"u8.ToArray(), "KiB"u8.ToArray(), "MiB"u8.ToArray(), "GiB"u8.ToArray(), "TiB"u8.ToArray(), "PiB"u8.ToArray(), "EiB"u8.ToArray()];

    /// <summary>Writes the text of <paramref name="bytes"/>; returns its length.</summary>
    public static int Format(ulong bytes, Span<byte> destination)
    {
        // go-units divides a float64 by 1024 until it is below 1024. Dividing by a power of two
        // is exact, so the value to round is bytes / 1024^unit exactly, once bytes is what its
        // conversion to float64 made of it (a change only above 2^53).
        UInt128 value = bytes < (1UL << 53) ? bytes : (UInt128)(double)bytes;
        var unit = 0;
        UInt128 divisor = 1;
        while (unit < Units.Length - 1 && value >= divisor * 1024)
        {
            divisor *= 1024;
            unit++;
        }

        // Four significant digits: as many decimals as the integer part leaves.
        var whole = (ulong)(value / divisor);
        var decimals = unit == 0 ? 0 : 4 - DigitCount(whole);
        UInt128 scale = Pow10(decimals);
        var scaled = value * scale;
        var rounded = scaled / divisor;
        var remainder = scaled % divisor;
        // Go's formatting rounds the exact value half to even.
        if (remainder * 2 > divisor || (remainder * 2 == divisor && (rounded & 1) == 1))
            rounded++;

        var length = WriteNumber((ulong)rounded, decimals, destination);
        Units[unit].CopyTo(destination[length..]);
        return length + Units[unit].Length;
    }

    /// <summary>The text as a string (tests, messages).</summary>
    public static string ToText(ulong bytes)
    {
        Span<byte> text = stackalloc byte[MaxLength];
        return System.Text.Encoding.ASCII.GetString(text[..Format(bytes, text)]);
    }

    /// <summary>Writes number / 10^decimals with its decimals, trailing zeros (and a bare point) left out.</summary>
    private static int WriteNumber(ulong number, int decimals, Span<byte> destination)
    {
        var divisor = (ulong)Pow10(decimals);
        var whole = number / divisor;
        var fraction = number % divisor;
        whole.TryFormat(destination, out var length, provider: System.Globalization.CultureInfo.InvariantCulture);
        if (fraction == 0)
            return length;
        while (fraction % 10 == 0)
        {
            fraction /= 10;
            decimals--;
        }
        destination[length++] = (byte)'.';
        for (var i = decimals - 1; i >= 0; i--)
        {
            destination[length + i] = (byte)('0' + fraction % 10);
            fraction /= 10;
        }
        return length + decimals;
    }

    private static int DigitCount(ulong number) => number < 10 ? 1 : number < 100 ? 2 : number < 1000 ? 3 : 4;

    private static ulong Pow10(int exponent) => exponent switch { 0 => 1, 1 => 10, 2 => 100, _ => 1000 };
}
