using Gadget.Gadgets;
using Gadget.Output;
using Gadget.Gadgets.Trace.Tcp;
using Gadget.Tests.Output;
using static Gadget.Tests.Gadgets.NetworkRecords;
using static Gadget.Tests.RecordBuilder;

namespace Gadget.Tests.Gadgets;

public class TcpDecodingTests
{
    private static readonly TcpGadget Gadget = new();

    private static byte[] Tcp(TcpEventType type, string src, ushort sport, string dst, ushort dport, int error = 0) =>
        Build(new TcpEvent
        {
            Header = Header(77, "curl"),
            NetnsId = 4026531993,
            Error = error,
            Src = Endpoint(src, sport),
            Dst = Endpoint(dst, dport),
            Type = (byte)type,
        });

    [Fact]
    public void Json_nests_the_endpoints_like_the_reference()
    {
        var json = Render.Json(Gadget, null, Tcp(TcpEventType.Connect, "10.0.0.2", 50192, "188.114.96.3", 443)).Single();

        Assert.Equal("connect", json.GetProperty("operation").GetString());
        Assert.Equal(77u, json.GetProperty("pid").GetUInt32());
        Assert.Equal("curl", json.GetProperty("comm").GetString());
        Assert.Equal(4, json.GetProperty("ipversion").GetInt32());
        var src = json.GetProperty("src");
        Assert.Equal("10.0.0.2", src.GetProperty("addr").GetString());
        Assert.Equal(4, src.GetProperty("version").GetInt32());
        Assert.Equal(50192, src.GetProperty("port").GetInt32());
        Assert.Equal(6, src.GetProperty("proto").GetInt32());
        Assert.Equal("188.114.96.3", json.GetProperty("dst").GetProperty("addr").GetString());
        Assert.Equal(443, json.GetProperty("dst").GetProperty("port").GetInt32());
        Assert.Equal(4026531993ul, json.GetProperty("netnsid").GetUInt64());
        Assert.Equal(4026531840ul, json.GetProperty("mountnsid").GetUInt64());
        Assert.False(json.TryGetProperty("error", out _));
        Assert.False(json.TryGetProperty("t", out _), "T is a column only; JSON has operation");
    }

    [Fact]
    public void Columns_letter_the_operation_and_join_address_and_port()
    {
        var text = Render.Columns(Gadget, null, null,
            Tcp(TcpEventType.Connect, "127.0.0.1", 40000, "127.0.0.1", 80),
            Tcp(TcpEventType.Accept, "::1", 80, "::1", 40001),
            Tcp(TcpEventType.Close, "::ffff:10.1.2.3", 80, "2001:db8::1", 40002),
            Tcp((TcpEventType)9, "127.0.0.1", 1, "127.0.0.1", 2)).Split('\n');

        Assert.Equal("T     PID COMM             IP SRC                      DST", text[0]);
        Assert.Equal("C      77 curl             4  127.0.0.1:40000          127.0.0.1:80", text[1]);
        Assert.Equal("A      77 curl             6  [::1]:80                 [::1]:40001", text[2]);
        Assert.Equal("X      77 curl             6  [10.1.2.3]:80            [2001:db8::1]:40002", text[3]);
        Assert.StartsWith("U ", text[4]);
    }

    [Fact]
    public void Failure_only_shows_the_error()
    {
        var parameters = new ParameterValues(Gadget.Parameters, [new("failure-only", "true")]);
        var text = Render.Run(new OutputFormat(OutputKind.Columns, null), Gadget, parameters, null,
            Tcp(TcpEventType.Connect, "127.0.0.1", 40000, "127.0.0.1", 81, error: 111)).Split('\n');

        Assert.EndsWith("DST                      ERROR", text[0]);
        Assert.EndsWith("127.0.0.1:81             ECONNREFUSED", text[1]);
        var json = Render.Json(Gadget, null, Tcp(TcpEventType.Connect, "127.0.0.1", 40000, "127.0.0.1", 81, error: 110)).Single();
        Assert.Equal("ETIMEDOUT", json.GetProperty("error").GetString());
    }

    [Fact]
    public void A_column_narrower_than_its_header_widens_to_it()
    {
        // DST.PORT is 8 characters, its values 5 at most: the header is never cut.
        var text = Render.Columns(Gadget, ["dst.port", "pid", "dst.port"], null,
            Tcp(TcpEventType.Connect, "127.0.0.1", 40000, "127.0.0.1", 443)).Split('\n');

        Assert.Equal("DST.PORT     PID DST.PORT", text[0]);
        Assert.Equal("     443      77      443", text[1]);
    }

    [Fact]
    public void Endpoint_parts_are_columns_of_their_own()
    {
        var text = Render.Columns(Gadget, ["src.addr", "src.port", "dst.port", "netns"], null,
            Tcp(TcpEventType.Accept, "192.168.1.1", 22, "192.168.1.9", 51000)).Split('\n');
        Assert.Equal(["192.168.1.1", "22", "51000", "4026531993"], text[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
