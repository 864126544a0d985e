using System.Globalization;

namespace Gadget.Output;

/// <summary>Formats Unix-epoch nanoseconds as RFC 3339 UTC with all nine fraction digits
/// (kept so columns stay aligned), without allocating.</summary>
public static class TimestampText
{
    public const int Length = 30; // 2006-01-02T15:04:05.000000000Z

    public static int Format(long unixNanoseconds, Span<byte> destination)
    {
        var seconds = Math.DivRem(unixNanoseconds, 1_000_000_000, out var nanos);
        if (nanos < 0)
        {
            nanos += 1_000_000_000;
            seconds--;
        }
        var time = DateTime.UnixEpoch.AddSeconds(seconds);
        time.TryFormat(destination, out var written, "yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
        destination[written++] = (byte)'.';
        nanos.TryFormat(destination[written..], out var digits, "D9", CultureInfo.InvariantCulture);
        written += digits;
        destination[written++] = (byte)'Z';
        return written;
    }
}
