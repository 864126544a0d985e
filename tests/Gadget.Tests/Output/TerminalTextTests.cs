using System.Text;
using System.Text.Json;
using Gadget.Output;

namespace Gadget.Tests.Output;

/// <summary>What reaches a terminal (columns) and a JSON reader of bytes from the kernel.</summary>
public class TerminalTextTests
{
    private static string Escape(byte[] bytes)
    {
        var buffer = new byte[TerminalText.MaxEscapedLength(bytes.Length)];
        return Encoding.UTF8.GetString(buffer, 0, TerminalText.Escape(bytes, buffer));
    }

    private static string Literal(byte[] bytes)
    {
        var buffer = new byte[JsonText.MaxLiteralLength(bytes.Length)];
        return Encoding.UTF8.GetString(buffer, 0, JsonText.WriteLiteral(bytes, buffer));
    }

    public static TheoryData<byte[], string> Cases => new()
    {
        { "plain/path é 日本"u8.ToArray(), "plain/path é 日本" },
        { [0x1b, (byte)'[', (byte)'2', (byte)'J'], @"\x1b[2J" },
        { [(byte)'a', 0x7f, (byte)'\n'], @"a\x7f\x0a" },
        { [0xc2, 0x9b, (byte)'x'], @"\u009bx" },
        { [0xe2, 0x80, 0xae, (byte)'x', 0xe2, 0x81, 0xa6, 0xe2, 0x81, 0xa9, 0xe2, 0x80, 0xaa], @"\u202ex\u2066\u2069\u202a" },
        { [0xe2, 0x80, 0x8f, 0xd8, 0x9c, 0xe2, 0x80, 0xa8], @"\u200f\u061c\u2028" },
        { [(byte)'a', 0x9b, 0xff, (byte)'b'], @"a\x9b\xffb" },
        { [0xe2, 0x80, (byte)'z'], @"\xe2\x80z" },
        { [0xed, 0xa0, 0x80], @"\xed\xa0\x80" }, // a UTF-16 surrogate is not UTF-8
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Columns_escape_what_a_terminal_acts_on(byte[] input, string expected)
    {
        Assert.Equal(expected, Escape(input));
        Assert.Equal(Encoding.UTF8.GetString(input) == expected, TerminalText.IsSafe(input));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Json_literals_are_valid_and_keep_every_valid_code_point(byte[] input, string escaped)
    {
        _ = escaped;
        var literal = Literal(input);

        using var json = JsonDocument.Parse(literal);
        // Valid code points kept, each invalid byte U+FFFD (as Go's encoding/json does).
        Assert.Equal(PerByteReplacement(input), json.RootElement.GetString());
        foreach (var c in literal)
            Assert.False(char.IsControl(c) || c is '\u202e' or '\u2066', $"U+{(int)c:X4} left raw");
    }

    private static string PerByteReplacement(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        while (!bytes.IsEmpty)
        {
            var ok = Rune.DecodeFromUtf8(bytes, out var rune, out var consumed) == System.Buffers.OperationStatus.Done;
            text.Append(ok ? rune.ToString() : "\ufffd");
            bytes = bytes[(ok ? consumed : 1)..];
        }
        return text.ToString();
    }

    [Fact]
    public void Json_literals_escape_quotes_and_backslashes()
    {
        Assert.Equal("\"a\\\"b\\\\c\\u0000\\ufffd\"", Literal([(byte)'a', (byte)'"', (byte)'b', (byte)'\\', (byte)'c', 0, 0xff]));
    }
}
