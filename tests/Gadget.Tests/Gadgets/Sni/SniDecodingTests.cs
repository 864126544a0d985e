using Gadget.Gadgets;
using Gadget.Gadgets.Trace.Sni;
using Gadget.Tests.Output;
using static Gadget.Tests.Gadgets.Sni.TlsHello;
using static Gadget.Tests.RecordBuilder;

namespace Gadget.Tests.Gadgets.Sni;

public class SniDecodingTests
{
    private static readonly SniGadget Gadget = new();

    private static byte[] Record(byte[] payload) =>
        Build(new SniEvent { Header = Header(77, "curl"), NetnsId = 4026532111, DataSize = (ushort)payload.Length }, payload);

    [Fact]
    public void Json_has_the_reference_fields()
    {
        var json = Render.Json(Gadget, null, Record(ClientHello(ServerName("api.example.com")))).Single();

        Assert.Equal("normal", json.GetProperty("type").GetString());
        Assert.Equal(77, json.GetProperty("pid").GetInt32());
        Assert.Equal(78, json.GetProperty("tid").GetInt32());
        Assert.Equal("curl", json.GetProperty("comm").GetString());
        Assert.Equal(4026532111, json.GetProperty("netnsid").GetInt64());
        Assert.Equal(4026531840, json.GetProperty("mountnsid").GetInt64());
        Assert.Equal(1000, json.GetProperty("uid").GetInt32());
        Assert.Equal("api.example.com", json.GetProperty("name").GetString());
    }

    [Fact]
    public void Default_columns_are_those_of_the_reference()
    {
        var lines = Render.Columns(Gadget, null, null, Record(ClientHello(ServerName("api.example.com")))).Split('\n');

        Assert.Equal(["PID", "TID", "COMM", "NAME"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["77", "78", "curl", "api.example.com"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Hellos_without_a_name_are_dropped()
    {
        var filter = Gadget.CreateFilter(new ParameterValues(Gadget.Parameters))!;

        Assert.True(filter.Accept(new EventRecord(Record(ClientHello(ServerName("x.example"))), null, 0)));
        Assert.False(filter.Accept(new EventRecord(Record(ClientHello(SupportedVersions)), null, 0)));
    }

    [Fact]
    public void The_data_size_bounds_the_search()
    {
        var hello = ClientHello(ServerName("bounded.example"));
        var record = Record(hello);
        var evt = System.Runtime.InteropServices.MemoryMarshal.Read<SniEvent>(record);
        evt.DataSize = (ushort)(hello.Length - 1);
        System.Runtime.InteropServices.MemoryMarshal.Write(record, in evt);

        Assert.False(Gadget.CreateFilter(new ParameterValues(Gadget.Parameters))!.Accept(new EventRecord(record, null, 0)));
    }
}
