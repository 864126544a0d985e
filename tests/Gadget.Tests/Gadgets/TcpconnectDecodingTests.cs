using Gadget.Gadgets;
using Gadget.Output;
using Gadget.Gadgets.Trace.Tcpconnect;
using Gadget.Tests.Output;
using static Gadget.Tests.Gadgets.NetworkRecords;
using static Gadget.Tests.RecordBuilder;

namespace Gadget.Tests.Gadgets;

public class TcpconnectDecodingTests
{
    private static readonly TcpconnectGadget Gadget = new();

    private static byte[] Connect(string src, ushort sport, string dst, ushort dport, ulong latencyNs = 0, uint uid = 1000, uint gid = 100) =>
        Build(new TcpconnectEvent
        {
            Header = Header(2021739, "wget") with { Uid = uid, Gid = gid },
            NetnsId = 4026532100,
            Src = Endpoint(src, sport),
            Dst = Endpoint(dst, dport),
            LatencyNs = latencyNs,
        });

    private static ParameterValues With(params (string Key, string Value)[] values) =>
        new(Gadget.Parameters, values.Select(v => new KeyValuePair<string, string>(v.Key, v.Value)));

    [Fact]
    public void Columns_are_the_reference_ones()
    {
        var text = Render.Columns(Gadget, null, null, Connect("172.17.0.2", 4784, "1.1.1.1", 80)).Split('\n');

        Assert.Equal("    PID COMM             IP SRC                      DST", text[0]);
        Assert.Equal("2021739 wget             4  172.17.0.2:4784          1.1.1.1:80", text[1]);
    }

    [Fact]
    public void Latency_is_a_go_duration_in_columns_and_nanoseconds_in_json()
    {
        var record = Connect("fd00::2", 38587, "fd00::1", 80, latencyNs: 1_006_814_808);

        var text = Render.Run(new OutputFormat(OutputKind.Columns, null), Gadget, With(("latency", "true")), null, record).Split('\n');
        Assert.EndsWith("DST                           LATENCY", text[0]);
        Assert.EndsWith("[fd00::1]:80             1.006814808s", text[1]);
        var json = Render.Json(Gadget, null, record).Single();
        Assert.Equal(1_006_814_808, json.GetProperty("latency").GetInt64());
        Assert.Equal(6, json.GetProperty("ipversion").GetInt32());
        Assert.Equal("fd00::2", json.GetProperty("src").GetProperty("addr").GetString());
        Assert.Equal(4026532100ul, json.GetProperty("netnsid").GetUInt64());
    }

    [Fact]
    public void Without_latency_json_has_none()
    {
        var json = Render.Json(Gadget, null, Connect("127.0.0.1", 1, "127.0.0.1", 2)).Single();
        Assert.False(json.TryGetProperty("latency", out _));
    }

    [Fact]
    public void Uid_and_gid_of_root_are_in_json_as_zero()
    {
        var json = Render.Json(Gadget, null, Connect("127.0.0.1", 1, "127.0.0.1", 2, uid: 0, gid: 0)).Single();
        Assert.Equal(0u, json.GetProperty("uid").GetUInt32());
        Assert.Equal(0u, json.GetProperty("gid").GetUInt32());
        var user = Render.Json(Gadget, null, Connect("127.0.0.1", 1, "127.0.0.1", 2)).Single();
        Assert.Equal(1000u, user.GetProperty("uid").GetUInt32());
        Assert.Equal(100u, user.GetProperty("gid").GetUInt32());
    }

    [Theory]
    [InlineData("0", 0ul, false)]
    [InlineData("10ms", 10_000_000ul, true)]
    [InlineData("1.5s", 1_500_000_000ul, true)]
    [InlineData("250us", 250_000ul, true)]
    public void Min_is_a_duration_and_implies_latency(string min, ulong nanoseconds, bool latency)
    {
        var parameters = With(("min", min));
        Assert.Equal(nanoseconds, TcpconnectGadget.MinLatency(parameters));
        Assert.Equal(latency, TcpconnectGadget.WithLatency(parameters));
        Assert.Equal(latency, Gadget.DefaultColumns(parameters).Contains("latency"));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("10")]
    [InlineData("-5ms")]
    [InlineData("5 parsecs")]
    [InlineData("99999999999999999999s")] // once overflowed decimal
    public void A_bad_min_is_one_clear_error(string min)
    {
        var e = Assert.Throws<GadgetException>(() => TcpconnectGadget.MinLatency(With(("min", min))));
        Assert.Equal($"invalid value \"{min}\" for --min: expected a duration such as 10ms, 250us or 1.5s", e.Message);
    }
}
