using Gadget.Gadgets;

namespace Gadget.Tests.Gadgets;

public class ParameterValuesTests
{
    private static readonly GadgetParameter[] Definitions =
    [
        new("flag", "", ParameterKind.Bool, DefaultValue: "false"),
        new("count", "", ParameterKind.UInt, DefaultValue: "5"),
        new("names", "", ParameterKind.StringList),
        new("mode", "", ParameterKind.String) { AllowedValues = ["a", "b"] },
    ];

    [Fact]
    public void Typed_values_and_defaults()
    {
        var values = new ParameterValues(Definitions, [new("flag", "true"), new("names", "x, y,,z")]);

        Assert.True(values.GetBool("flag"));
        Assert.Equal(5u, values.GetUInt("count"));
        Assert.Equal(["x", "y", "z"], values.GetStringList("names"));
        Assert.Null(values.GetString("mode"));
    }

    [Theory]
    [InlineData("flag", "maybe", "expected true or false")]
    [InlineData("count", "-3", "expected a non-negative integer")]
    [InlineData("mode", "c", "expected a, b")]
    [InlineData("other", "1", "unknown parameter")]
    public void Bad_values_name_the_flag_and_what_was_expected(string key, string value, string message)
    {
        var error = Assert.Throws<GadgetException>(() => new ParameterValues(Definitions, [new(key, value)]));
        Assert.Contains(message, error.Message);
    }
}
