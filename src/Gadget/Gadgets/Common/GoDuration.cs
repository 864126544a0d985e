namespace Gadget.Gadgets.Common;

/// <summary>Formats nanoseconds like Go's time.Duration.String(), as the reference prints
/// durations in columns: "850ns", "1.5µs", "12.345678ms", "1m2.5s", "0s"; and reads the
/// durations its flags take ("10ms", "1.5s", "2m30s", "0").</summary>
public static class GoDuration
{
    /// <summary>Enough for any duration ("-2562047h47m16.854775808s" is 25 bytes).</summary>
    public const int MaxLength = 32;

    /// <summary>Writes the duration as UTF-8 and returns the bytes written.</summary>
    public static int Format(long nanoseconds, Span<byte> destination)
    {
        // Built right to left, as Go does, in a scratch buffer.
        Span<byte> buffer = stackalloc byte[MaxLength];
        var w = buffer.Length;
        var negative = nanoseconds < 0;
        var u = negative ? (ulong)(-(nanoseconds + 1)) + 1 : (ulong)nanoseconds;

        if (u < 1_000_000_000)
        {
            if (u == 0)
                return Copy("0s"u8, destination);
            int precision;
            w--;
            buffer[w] = (byte)'s';
            w--;
            if (u < 1_000)
            {
                precision = 0;
                buffer[w] = (byte)'n';
            }
            else if (u < 1_000_000)
            {
                precision = 3;
                // 'µ' is two bytes in UTF-8.
                w--;
                "µ"u8.CopyTo(buffer[w..]);
            }
            else
            {
                precision = 6;
                buffer[w] = (byte)'m';
            }
            w = WriteFraction(buffer, w, ref u, precision);
            w = WriteInteger(buffer, w, u);
        }
        else
        {
            w--;
            buffer[w] = (byte)'s';
            w = WriteFraction(buffer, w, ref u, 9);
            w = WriteInteger(buffer, w, u % 60);
            u /= 60;
            if (u > 0)
            {
                w--;
                buffer[w] = (byte)'m';
                w = WriteInteger(buffer, w, u % 60);
                u /= 60;
                if (u > 0)
                {
                    w--;
                    buffer[w] = (byte)'h';
                    w = WriteInteger(buffer, w, u);
                }
            }
        }
        if (negative)
        {
            w--;
            buffer[w] = (byte)'-';
        }
        return Copy(buffer[w..], destination);
    }

    /// <summary>Writes the fraction of u below 10^precision, without trailing zeros (and without
    /// the dot when it is all zeros), and leaves the integer part in u.</summary>
    private static int WriteFraction(Span<byte> buffer, int w, ref ulong u, int precision)
    {
        var printed = false;
        for (var i = 0; i < precision; i++)
        {
            var digit = u % 10;
            printed = printed || digit != 0;
            if (printed)
            {
                w--;
                buffer[w] = (byte)('0' + digit);
            }
            u /= 10;
        }
        if (printed)
        {
            w--;
            buffer[w] = (byte)'.';
        }
        return w;
    }

    private static int WriteInteger(Span<byte> buffer, int w, ulong u)
    {
        if (u == 0)
        {
            w--;
            buffer[w] = (byte)'0';
            return w;
        }
        while (u > 0)
        {
            w--;
            buffer[w] = (byte)('0' + u % 10);
            u /= 10;
        }
        return w;
    }

    private static int Copy(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        text.CopyTo(destination);
        return text.Length;
    }

    /// <summary>Parses a Go duration into nanoseconds; false for text that is not one, or negative.</summary>
    public static bool TryParse(string text, out ulong nanoseconds)
    {
        nanoseconds = 0;
        var s = text.Trim();
        if (s == "0")
            return true;
        if (s.Length == 0)
            return false;
        decimal total = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
                i++;
            if (i == start || !decimal.TryParse(s.AsSpan(start, i - start), System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var value))
                return false;
            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
                i++;
            decimal? scale = s[unitStart..i] switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => null,
            };
            if (scale is null)
                return false;
            // Checked before multiplying: a value that large would overflow decimal itself
            // (1e20s is 1e29ns), not only a Go duration.
            if (value > (long.MaxValue - total) / scale.Value)
                return false;
            total += value * scale.Value;
        }
        nanoseconds = (ulong)decimal.Truncate(total);
        return true;
    }
}
