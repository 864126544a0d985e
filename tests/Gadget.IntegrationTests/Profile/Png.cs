using System.Buffers.Binary;
using System.IO.Compression;

namespace Gadget.IntegrationTests.Profile;

/// <summary>Reads the pixels of an 8-bit RGB or RGBA PNG (what Chromium's screenshots are), to
/// tell a picture from a blank page.</summary>
internal static class Png
{
    /// <summary>Pixels that are not (near) white, and all pixels.</summary>
    public static (long Coloured, long Total) CountColoured(byte[] png)
    {
        Assert.True(png.AsSpan(0, 8).SequenceEqual((byte[])[0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10]), "not a PNG file");
        int width = 0, height = 0, channels = 0;
        var data = new MemoryStream();
        for (var at = 8; at + 8 <= png.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var body = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = (int)BinaryPrimitives.ReadUInt32BigEndian(body);
                height = (int)BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
                Assert.Equal(8, body[8]); // bits per channel
                channels = body[9] switch { 2 => 3, 6 => 4, var other => throw new InvalidOperationException($"PNG colour type {other}") };
                Assert.Equal(0, body[12]); // not interlaced
            }
            else if (type == "IDAT")
            {
                data.Write(body);
            }
            at += 12 + length;
        }
        data.Position = 0;
        using var inflate = new ZLibStream(data, CompressionMode.Decompress);
        var stride = width * channels;
        var raw = new byte[(stride + 1) * height];
        inflate.ReadExactly(raw);

        var previous = new byte[stride];
        var line = new byte[stride];
        long coloured = 0;
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var source = raw.AsSpan(y * (stride + 1) + 1, stride);
            for (var x = 0; x < stride; x++)
            {
                int a = x >= channels ? line[x - channels] : 0, b = previous[x], c = x >= channels ? previous[x - channels] : 0;
                var predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidOperationException($"PNG filter {filter}"),
                };
                line[x] = (byte)(source[x] + predictor);
            }
            for (var x = 0; x < width; x++)
            {
                var p = x * channels;
                if (line[p] < 235 || line[p + 1] < 235 || line[p + 2] < 235)
                    coloured++;
            }
            (previous, line) = (line, previous);
        }
        return (coloured, (long)width * height);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
