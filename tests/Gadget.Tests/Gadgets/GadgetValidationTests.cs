using Gadget.Gadgets;
using Gadget.Runtime;

namespace Gadget.Tests.Gadgets;

/// <summary>Each gadget rejects its bad parameter values in <see cref="TraceGadget.Validate"/>,
/// which runs before discovery and load, not only later while configuring the BPF object.</summary>
public class GadgetValidationTests
{
    [Theory]
    [InlineData("dns", "ports", "0", "--ports")]
    [InlineData("bind", "ports", "70000", "--ports")]
    [InlineData("bind", "pids", "-4", "--pids")]
    [InlineData("fsslower", "filesystem", "ext5", "--filesystem")]
    [InlineData("tcpconnect", "min", "soon", "--min")]
    [InlineData("open", "prefixes", "/a,/b,/c,/d,/e,/f,/g,/h,/i,/j,/k,/l,/m,/n,/o,/p,/q", "--prefixes")] // one more than MaxPrefixes
    public void A_bad_value_is_rejected_before_anything_starts(string gadgetName, string key, string value, string flag)
    {
        var gadget = GadgetCatalog.Find("trace", gadgetName)!;
        var parameters = new ParameterValues(gadget.Parameters, [new(key, value)]);

        var error = Assert.Throws<GadgetException>(() => gadget.Validate(parameters));
        Assert.Contains(flag, error.Message);
    }

    [Fact]
    public void Flags_that_exclude_each_other_are_rejected_before_anything_starts()
    {
        var gadget = GadgetCatalog.Find("trace", "tcp")!;
        var parameters = new ParameterValues(gadget.Parameters, [new("accept-only", "true"), new("connect-only", "true")]);

        var error = Assert.Throws<GadgetException>(() => gadget.Validate(parameters));
        Assert.Contains("exclude each other", error.Message);
    }

    [Fact]
    public void Every_gadget_accepts_its_defaults()
    {
        foreach (var gadget in GadgetCatalog.TraceGadgets)
            gadget.Validate(new ParameterValues(gadget.Parameters));
    }
}
