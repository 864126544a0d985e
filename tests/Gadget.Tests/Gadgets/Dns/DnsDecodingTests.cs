using Gadget.Gadgets;
using Gadget.Gadgets.Common;
using Gadget.Gadgets.Trace.Dns;
using Gadget.Output;
using Gadget.Tests.Output;
using static Gadget.Tests.Gadgets.Dns.DnsPacket;
using static Gadget.Tests.RecordBuilder;

namespace Gadget.Tests.Gadgets.Dns;

/// <summary>trace dns records as the kernel writes them, through the real formatters.</summary>
public class DnsDecodingTests
{
    private static readonly DnsGadget Gadget = new();

    private static AddressBytes Address(params byte[] bytes)
    {
        var address = new AddressBytes();
        bytes.CopyTo(address);
        return address;
    }

    private static byte[] Record(byte[] message, bool egress, ulong latencyNs = 0, byte proto = 17, byte ipVersion = 4,
        AddressBytes? source = null, AddressBytes? destination = null, ushort sport = 40000, ushort dport = 53)
    {
        var evt = new DnsEvent
        {
            Header = Header(321, "resolver"),
            NetnsId = 4026532000,
            LatencyNs = latencyNs,
            Saddr = source ?? Address(10, 0, 0, 1),
            Daddr = destination ?? Address(10, 0, 0, 53),
            Sport = sport,
            Dport = dport,
            DnsLen = (ushort)message.Length,
            DataSize = (ushort)message.Length,
            IpVersion = ipVersion,
            Proto = proto,
            PktType = egress ? (byte)4 : (byte)0,
        };
        return Build(evt, message);
    }

    [Fact]
    public void A_query_has_the_reference_json_fields()
    {
        var json = Render.Json(Gadget, null, Record(Query(0x00ab, "inspektor-gadget.io"), egress: true)).Single();

        Assert.Equal("normal", json.GetProperty("type").GetString());
        Assert.Equal(4026531840, json.GetProperty("mountnsid").GetInt64());
        Assert.Equal(4026532000, json.GetProperty("netnsid").GetInt64());
        Assert.Equal(321, json.GetProperty("pid").GetInt32());
        Assert.Equal(322, json.GetProperty("tid").GetInt32());
        Assert.Equal("resolver", json.GetProperty("comm").GetString());
        Assert.Equal(1000, json.GetProperty("uid").GetInt32());
        Assert.Equal("10.0.0.1", json.GetProperty("srcIP").GetString());
        Assert.Equal("10.0.0.53", json.GetProperty("dstIP").GetString());
        Assert.Equal(40000, json.GetProperty("srcPort").GetInt32());
        Assert.Equal(53, json.GetProperty("dstPort").GetInt32());
        Assert.Equal("UDP", json.GetProperty("protocol").GetString());
        Assert.Equal("00ab", json.GetProperty("id").GetString());
        Assert.Equal("Q", json.GetProperty("qr").GetString());
        Assert.Equal("10.0.0.53", json.GetProperty("nameserver").GetString());
        Assert.Equal("OUTGOING", json.GetProperty("pktType").GetString());
        Assert.Equal("A", json.GetProperty("qtype").GetString());
        Assert.Equal("inspektor-gadget.io.", json.GetProperty("name").GetString());
        foreach (var absent in (string[])["rcode", "latency", "numAnswers", "addresses"])
            Assert.False(json.TryGetProperty(absent, out _), $"{absent} is omitted from a query");
    }

    [Fact]
    public void A_response_has_its_code_latency_and_addresses()
    {
        byte[] v6 = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7];
        var message = Response(0xbeef, "example.com", 28, 0, Answer(28, v6), Answer(1, [1, 2, 3, 4]));
        var json = Render.Json(Gadget, null, Record(message, egress: false, latencyNs: 1_500_000,
            source: Address(10, 0, 0, 53), destination: Address(10, 0, 0, 1), sport: 53, dport: 40000)).Single();

        Assert.Equal("R", json.GetProperty("qr").GetString());
        Assert.Equal("HOST", json.GetProperty("pktType").GetString());
        Assert.Equal("10.0.0.53", json.GetProperty("nameserver").GetString());
        Assert.Equal("AAAA", json.GetProperty("qtype").GetString());
        Assert.Equal("No Error", json.GetProperty("rcode").GetString());
        Assert.Equal(1_500_000, json.GetProperty("latency").GetInt64());
        Assert.Equal(2, json.GetProperty("numAnswers").GetInt32());
        Assert.Equal(["fd00::7", "1.2.3.4"], json.GetProperty("addresses").EnumerateArray().Select(a => a.GetString()!));
    }

    [Fact]
    public void At_most_eight_addresses_are_reported_but_all_answers_are_counted()
    {
        var answers = Enumerable.Range(1, 12).Select(i => Answer(1, [10, 0, 0, (byte)i])).ToArray();
        var json = Render.Json(Gadget, null, Record(Response(1, "many.test", 1, 0, answers), egress: false)).Single();

        Assert.Equal(12, json.GetProperty("numAnswers").GetInt32());
        Assert.Equal(DnsGadget.MaxAddresses, json.GetProperty("addresses").GetArrayLength());
    }

    [Fact]
    public void Default_columns_are_those_of_the_reference()
    {
        var text = Render.Columns(Gadget, null, null,
            Record(Query(1, "a.test"), egress: true),
            Record(Response(1, "a.test", 1, 3), egress: false));
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(["PID", "TID", "COMM", "QR", "TYPE", "QTYPE", "NAME", "RCODE", "NUMANSWERS"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["321", "322", "resolver", "Q", "OUTGOING", "A", "a.test.", "0"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^ *321 +322 +resolver +R +HOST +A +a\.test\. +Non-Existent Domain +0$", lines[2]);
    }

    [Fact]
    public void Columns_show_latency_like_go_and_addresses_joined_by_commas()
    {
        var message = Response(1, "a.test", 1, 0, Answer(1, [1, 2, 3, 4]), Answer(1, [5, 6, 7, 8]));
        var text = Render.Run(new OutputFormat(OutputKind.Columns, ["latency", "addresses", "proto", "netns"]),
            Gadget, null, null, Record(message, egress: false, latencyNs: 1_234_567, proto: 6));

        Assert.Equal(["1.234567ms", "1.2.3.4,5.6.7.8", "TCP", "4026532000"], text.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Ipv6_packets_show_ipv6_addresses()
    {
        var client = Address(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10);
        var server = Address(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        var json = Render.Json(Gadget, null, Record(Query(1, "a.test"), egress: true, ipVersion: 6, source: client, destination: server)).Single();

        Assert.Equal("2001:db8::10", json.GetProperty("srcIP").GetString());
        Assert.Equal("::1", json.GetProperty("nameserver").GetString());
    }

    [Fact]
    public void Unknown_codes_have_the_reference_placeholders()
    {
        var message = Response(1, "a.test", 4242, 12);
        var record = Record(message, egress: false);
        var evt = System.Runtime.InteropServices.MemoryMarshal.Read<DnsEvent>(record);
        evt.PktType = 2;
        System.Runtime.InteropServices.MemoryMarshal.Write(record, in evt);
        var json = Render.Json(Gadget, null, record).Single();

        Assert.Equal("UNASSIGNED", json.GetProperty("qtype").GetString());
        Assert.Equal("Unknown", json.GetProperty("rcode").GetString());
        Assert.Equal("MULTICAST", json.GetProperty("pktType").GetString());
    }

    [Fact]
    public void Records_without_a_readable_question_are_dropped()
    {
        var filter = Gadget.CreateFilter(new ParameterValues(Gadget.Parameters))!;
        byte[] broken = [.. Header(1, false, 0, 1, 0), 0xc0, 12, 0, 1, 0, 1];

        Assert.True(filter.Accept(new EventRecord(Record(Query(1, "a.test"), egress: true), null, 0)));
        Assert.False(filter.Accept(new EventRecord(Record(broken, egress: true), null, 0)));
    }

    [Fact]
    public void The_common_type_and_the_packet_type_column_live_side_by_side()
    {
        Assert.True(Gadget.Schema.TryGet("type", out var column));
        Assert.Equal("pktType", column.JsonPath);
        Assert.Contains(Gadget.Schema.Fields, f => f.JsonPath == "type" && f.Visibility == FieldVisibility.JsonOnly);
    }

    [Theory]
    [InlineData("53", new ushort[] { 53 })]
    [InlineData("53,5353, 8053", new ushort[] { 53, 5353, 8053 })]
    [InlineData("65535", new ushort[] { 65535 })]
    public void Ports_parse(string text, ushort[] expected)
    {
        var values = new ParameterValues(Gadget.Parameters, [new("ports", text)]);
        Assert.Equal(expected, DnsPorts.Parse(values.GetStringList("ports")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("dns")]
    [InlineData("53,x")]
    [InlineData("-1")]
    public void Bad_ports_are_one_clear_error(string text)
    {
        var values = new ParameterValues(Gadget.Parameters, [new("ports", text)]);
        var error = Assert.Throws<GadgetException>(() => DnsPorts.Parse(values.GetStringList("ports")));
        Assert.Contains("--ports", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void The_port_bitmap_has_one_bit_per_port()
    {
        var bitmap = DnsPorts.ToBitmap([53, 0xffff, 8]);

        Assert.Equal(8192, bitmap.Length);
        Assert.Equal(1 << 5, bitmap[6]);
        Assert.Equal(1, bitmap[1]);
        Assert.Equal(0x80, bitmap[8191]);
        Assert.Equal(3, bitmap.Count(b => b != 0));
    }

    [Fact]
    public void The_default_ports_are_53_and_5353_as_in_the_reference()
    {
        Assert.Equal([53, 5353], DnsPorts.Parse(new ParameterValues(Gadget.Parameters).GetStringList("ports")));
    }
}
