using Gadget.Gadgets.Trace.Oomkill;
using Gadget.Tests.Output;
using static Gadget.Tests.RecordBuilder;

namespace Gadget.Tests.Gadgets;

public class OomkillDecodingTests
{
    private static readonly OomkillGadget Gadget = new();

    private static byte[] Kill() => Build(new OomkillEvent
    {
        Header = Header(1000, "victim", mntns: 4026532999),
        Kpid = 1000,
        Kcomm = Comm("victim"),
        Pages = 16384,
        Tpid = 2000,
        Tuid = 33,
        Tgid = 44,
        Tcomm = Comm("trigger"),
    });

    [Fact]
    public void Json_has_the_reference_fields_and_the_victims_namespace()
    {
        var json = Render.Json(Gadget, null, Kill()).Single();

        Assert.Equal(1000, json.GetProperty("kpid").GetInt32());
        Assert.Equal("victim", json.GetProperty("kcomm").GetString());
        Assert.Equal(16384, json.GetProperty("pages").GetInt64());
        Assert.Equal(2000, json.GetProperty("tpid").GetInt32());
        Assert.Equal("trigger", json.GetProperty("tcomm").GetString());
        Assert.Equal(33, json.GetProperty("tuid").GetInt32());
        Assert.Equal(44, json.GetProperty("tgid").GetInt32());
        Assert.Equal(4026532999, json.GetProperty("mountnsid").GetInt64());
    }

    [Fact]
    public void Default_columns_are_the_reference_ones()
    {
        var lines = Render.Columns(Gadget, null, null, Kill()).Split('\n');

        Assert.Equal(["KPID", "KCOMM", "PAGES", "TPID", "TCOMM"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["1000", "victim", "16384", "2000", "trigger"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
