using Gadget.Gadgets;
using Gadget.Output;
using Gadget.Gadgets.Trace.Bind;
using Gadget.Tests.Output;
using static Gadget.Tests.Gadgets.NetworkRecords;
using static Gadget.Tests.RecordBuilder;

namespace Gadget.Tests.Gadgets;

public class BindDecodingTests
{
    private static readonly BindGadget Gadget = new();

    private static byte[] Bind(string address, ushort port, ushort proto = 6, byte opts = 0, int error = 0,
        int boundDevIf = 0, string ifname = "")
    {
        var evt = new BindEvent
        {
            Header = Header(321, "nginx"),
            NetnsId = 4026532001,
            Error = error,
            Addr = Address(address),
            BoundDevIf = boundDevIf,
            Port = port,
            Proto = proto,
            Version = address.Contains(':', StringComparison.Ordinal) ? (byte)6 : (byte)4,
            Opts = opts,
            Ifname = Comm(ifname),
        };
        return Build(evt);
    }

    [Fact]
    public void Json_has_the_reference_fields()
    {
        var json = Render.Json(Gadget, null, Bind("0.0.0.0", 8080, opts: BindOptions.ReuseAddress)).Single();

        Assert.Equal(321u, json.GetProperty("pid").GetUInt32());
        Assert.Equal("nginx", json.GetProperty("comm").GetString());
        Assert.Equal("TCP", json.GetProperty("proto").GetString());
        Assert.Equal("0.0.0.0", json.GetProperty("addr").GetString());
        Assert.Equal(8080, json.GetProperty("port").GetInt32());
        Assert.Equal(".R...", json.GetProperty("opts").GetString());
        Assert.Equal("0", json.GetProperty("if").GetString());
        Assert.Equal(1000u, json.GetProperty("uid").GetUInt32());
        Assert.Equal(4026531840ul, json.GetProperty("mountnsid").GetUInt64());
        Assert.Equal(4026532001ul, json.GetProperty("netnsid").GetUInt64());
        Assert.False(json.TryGetProperty("error", out _), "no error for a successful bind");
    }

    [Theory]
    [InlineData(0, ".....")]
    [InlineData(BindOptions.ReusePort, "r....")]
    [InlineData(BindOptions.ReuseAddress | BindOptions.ReusePort, "rR...")]
    [InlineData(BindOptions.NoPort, "..N..")]
    [InlineData(BindOptions.Transparent | BindOptions.Freebind, "...TF")]
    [InlineData(0x1f, "rRNTF")]
    public void Options_are_the_reference_letters_in_its_order(byte opts, string expected)
    {
        var json = Render.Json(Gadget, null, Bind("127.0.0.1", 1, opts: opts)).Single();
        Assert.Equal(expected, json.GetProperty("opts").GetString());
    }

    [Theory]
    [InlineData(6, "TCP")]
    [InlineData(17, "UDP")]
    [InlineData(262, "MPTCP")]
    [InlineData(132, "SCTP")]
    [InlineData(58, "ICMPV6")]
    [InlineData(200, "UNKNOWN")]
    public void Protocols_are_named(ushort proto, string expected)
    {
        var json = Render.Json(Gadget, null, Bind("::", 53, proto: proto)).Single();
        Assert.Equal(expected, json.GetProperty("proto").GetString());
    }

    [Fact]
    public void Columns_are_the_reference_ones_and_failures_add_the_error()
    {
        var record = Bind("fd00::1", 80, error: 98, boundDevIf: 3, ifname: "eth0");

        var text = Render.Columns(Gadget, null, null, record).Split('\n');
        Assert.Equal("    PID COMM             PROTO ADDR             PORT  OPTS  IF", text[0]);
        Assert.Equal("    321 nginx            TCP   fd00::1          80    ..... eth0", text[1]);

        var failures = new ParameterValues(Gadget.Parameters, [new("ignore-errors", "false")]);
        var withError = Render.Run(new OutputFormat(OutputKind.Columns, null), Gadget, failures, null, record).Split('\n');
        Assert.EndsWith("IF           ERROR", withError[0]);
        Assert.EndsWith("eth0         EADDRINUSE", withError[1]);
    }

    [Fact]
    public void An_interface_the_kernel_could_not_name_shows_its_index()
    {
        var json = Render.Json(Gadget, null, Bind("10.0.0.1", 80, boundDevIf: 17)).Single();
        Assert.Equal("17", json.GetProperty("if").GetString());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("http")]
    [InlineData("-1")]
    public void Bad_ports_are_one_clear_error(string port)
    {
        var parameters = new ParameterValues(Gadget.Parameters, [new("ports", $"80,{port}")]);
        var e = Assert.Throws<GadgetException>(() => BindGadget.ParsePorts(parameters));
        Assert.Equal($"invalid port \"{port}\" for --ports: expected a number from 1 to 65535", e.Message);
    }

    [Fact]
    public void Ports_and_pids_parse_as_lists()
    {
        var parameters = new ParameterValues(Gadget.Parameters, [new("ports", "80, 443,65535"), new("pids", "1,4242")]);
        Assert.Equal([80, 443, 65535], BindGadget.ParsePorts(parameters).Select(p => (int)p));
        Assert.Equal([1u, 4242u], BindGadget.ParsePids(parameters));
        var bad = new ParameterValues(Gadget.Parameters, [new("pids", "0")]);
        Assert.Throws<GadgetException>(() => BindGadget.ParsePids(bad));
    }

    [Fact]
    public void Failed_binds_are_ignored_by_default_as_in_the_reference()
    {
        Assert.True(new ParameterValues(Gadget.Parameters).GetBool("ignore-errors"));
    }
}
