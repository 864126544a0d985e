using System.Text;
using Gadget.Gadgets.Trace.Dns;
using static Gadget.Tests.Gadgets.Dns.DnsPacket;

namespace Gadget.Tests.Gadgets.Dns;

/// <summary>The DNS parser on well-formed messages and on what a hostile or broken sender could put
/// on the wire: it must answer or refuse, never throw, never loop, never read past the data.</summary>
public class DnsMessageTests
{
    private static readonly byte[] V4 = [10, 1, 2, 3];
    private static readonly byte[] V6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

    private static (bool Ok, string Name, ushort Type, int End) Question(byte[] message)
    {
        Span<byte> name = stackalloc byte[DnsMessage.MaxNameLength];
        var ok = new DnsMessage(message).TryReadQuestion(name, out var length, out var type, out var end);
        return (ok, Encoding.ASCII.GetString(name[..length]), type, end);
    }

    private static List<byte[]> Addresses(byte[] message)
    {
        var result = new List<byte[]>();
        var (ok, _, _, end) = Question(message);
        if (!ok)
            return result;
        foreach (var address in new DnsMessage(message).AnswerAddresses(end))
            result.Add(address.ToArray());
        return result;
    }

    [Fact]
    public void A_query_has_its_id_name_and_type()
    {
        var message = new DnsMessage(Query(0xbeef, "www.example.com", 28));

        Assert.Equal(0xbeef, message.Id);
        Assert.False(message.IsResponse);
        Assert.Equal(1, message.QuestionCount);
        Assert.Equal((true, "www.example.com.", (ushort)28, 12 + 17 + 4), Question(Query(0xbeef, "www.example.com", 28)));
    }

    [Fact]
    public void A_response_has_its_code_and_the_addresses_of_its_a_and_aaaa_answers()
    {
        var bytes = Response(7, "example.com", 1, 3, Answer(1, V4), Answer(5, Name("alias.example.com")), Answer(28, V6));
        var message = new DnsMessage(bytes);

        Assert.True(message.IsResponse);
        Assert.Equal(3, message.ResponseCode);
        Assert.Equal(3, message.AnswerCount);
        Assert.Equal([V4, V6], Addresses(bytes));
    }

    [Fact]
    public void The_root_name_is_empty_like_the_reference()
    {
        byte[] message = [.. Header(1, false, 0, 1, 0), 0, 0, 2, 0, 1];
        Assert.Equal((true, "", (ushort)2, 17), Question(message));
    }

    [Fact]
    public void A_compressed_name_is_followed_backwards_only()
    {
        // "example.com" at 12 (the question), then "www" and a pointer back to it.
        byte[] message = [.. Query(1, "example.com"), 3, .. "www"u8, 0xc0, 12];
        Span<byte> name = stackalloc byte[DnsMessage.MaxNameLength];

        Assert.True(new DnsMessage(message).TryReadName(29, name, out var length, out var next));
        Assert.Equal("www.example.com.", Encoding.ASCII.GetString(name[..length]));
        Assert.Equal(35, next);

        // A question whose name points forwards (to a name after it) could be made to loop: refused.
        byte[] forward = [.. Header(1, false, 0, 1, 0), 3, .. "www"u8, 0xc0, 22, 0, 1, 0, 1, 1, (byte)'x', 0];
        Assert.False(Question(forward).Ok);
    }

    [Fact]
    public void A_pointer_chain_ends_after_a_bounded_number_of_jumps()
    {
        // "a." at 12, then pointers, each to the one before it.
        var bytes = new List<byte>(Header(1, false, 0, 1, 0)) { 1, (byte)'a', 0 };
        var previous = 12;
        for (var i = 0; i < 40; i++)
        {
            var here = bytes.Count;
            bytes.Add(0xc0);
            bytes.Add((byte)previous);
            previous = here;
        }
        var message = new DnsMessage([.. bytes]);
        Span<byte> name = stackalloc byte[DnsMessage.MaxNameLength];

        Assert.True(message.TryReadName(15 + 2 * (DnsMessage.MaxPointerJumps - 1), name, out var length, out _));
        Assert.Equal("a.", Encoding.ASCII.GetString(name[..length]));
        Assert.False(message.TryReadName(15 + 2 * DnsMessage.MaxPointerJumps, name, out _, out _));
    }

    [Theory]
    [InlineData(new byte[] { 0xc0, 12 })]          // a pointer to itself
    [InlineData(new byte[] { 0xc0, 14, 0xc0, 12 })] // a pointer forwards, then back to the first
    [InlineData(new byte[] { 0xc0 })]              // half a pointer
    [InlineData(new byte[] { 0x40, 1, 0 })]        // extended label type
    [InlineData(new byte[] { 0x80, 1, 0 })]        // reserved label type
    [InlineData(new byte[] { 5, (byte)'a', (byte)'b' })] // a label longer than the data
    [InlineData(new byte[] { 1, (byte)'a' })]      // no end of name
    [InlineData(new byte[] { 1, (byte)'a', 0, 0 })] // no room for type and class
    public void Malformed_question_names_are_refused(byte[] afterHeader)
    {
        Assert.False(Question([.. Header(1, false, 0, 1, 0), .. afterHeader]).Ok);
    }

    [Fact]
    public void Short_or_questionless_messages_are_refused()
    {
        Assert.False(Question([]).Ok);
        Assert.False(Question(new byte[11]).Ok);
        Assert.False(new DnsMessage([1, 2, 3]).IsResponse);
        Assert.Equal(0, new DnsMessage([1, 2, 3]).AnswerCount);
        Assert.False(Question([.. Header(1, false, 0, 0, 0), .. DnsPacket.Question("a.b", 1)]).Ok);
    }

    [Fact]
    public void Names_longer_than_255_bytes_are_refused_and_the_longest_legal_one_is_read()
    {
        var label = new string('x', 63);
        var longest = $"{label}.{label}.{label}.{new string('y', 61)}"; // 255 bytes on the wire, 254 as text
        Assert.Equal((true, longest + ".", (ushort)1, 12 + longest.Length + 2 + 4), Question(Query(1, longest)));

        var tooLong = $"{label}.{label}.{label}.{label}";
        Assert.False(Question(Query(1, tooLong)).Ok);
    }

    [Fact]
    public void Answers_that_do_not_fit_or_do_not_match_their_type_are_skipped()
    {
        var cut = Response(1, "a.b", 1, 0, Answer(1, V4), Answer(1, [9, 9, 9, 9]));
        Assert.Equal([V4], Addresses(cut[..^1]));

        var wrongLength = Response(1, "a.b", 1, 0, Answer(1, [1, 2, 3, 4, 5]), Answer(28, V4), Answer(1, V4));
        Assert.Equal([V4], Addresses(wrongLength));

        var chaos = Response(1, "a.b", 1, 0, Answer(1, V4, @class: 3));
        Assert.Empty(Addresses(chaos));
    }

    [Fact]
    public void An_answer_count_larger_than_the_data_stops_at_the_data()
    {
        var bytes = Response(1, "a.b", 1, 0, Answer(1, V4));
        bytes[6] = 0xff;
        bytes[7] = 0xff;
        Assert.Equal([V4], Addresses(bytes));
    }

    [Fact]
    public void Random_damage_never_throws_nor_yields_more_than_was_there()
    {
        var random = new Random(1234);
        byte[] valid = Response(0x1234, "www.example.com", 1, 0, Answer(1, V4), Answer(28, V6), Answer(1, [1, 1, 1, 1]));
        Span<byte> name = stackalloc byte[DnsMessage.MaxNameLength];
        for (var i = 0; i < 100_000; i++)
        {
            byte[] bytes;
            if (i % 4 == 0)
            {
                bytes = new byte[random.Next(0, 80)];
                random.NextBytes(bytes);
            }
            else
            {
                bytes = (byte[])valid.Clone();
                for (var flips = random.Next(1, 6); flips > 0; flips--)
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                bytes = bytes[..random.Next(0, bytes.Length + 1)];
            }
            var message = new DnsMessage(bytes);
            if (!message.TryReadQuestion(name, out var length, out _, out var end))
                continue;
            Assert.InRange(length, 0, DnsMessage.MaxNameLength);
            Assert.InRange(end, 12, bytes.Length);
            var count = 0;
            foreach (var address in message.AnswerAddresses(end))
            {
                Assert.True(address.Length is 4 or 16);
                count++;
            }
            Assert.True(count <= message.AnswerCount);
        }
    }
}
