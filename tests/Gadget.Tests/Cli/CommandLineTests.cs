using Gadget.Cli.Commands;
using Gadget.Gadgets;

namespace Gadget.Tests.Cli;

public class CommandLineTests
{
    [Fact]
    public void Root_help_lists_the_command_groups_with_the_reference_help_texts()
    {
        var (code, console) = TestConsole.Run("--help");

        Assert.Equal(0, code);
        Assert.Contains("Collection of gadgets for containers", console.OutText);
        Assert.Contains("Trace and print system events", console.OutText);
        Assert.Contains("version", console.OutText);
        Assert.Contains("completion", console.OutText);
    }

    [Fact]
    public void Trace_help_lists_exactly_the_gadgets_that_exist()
    {
        var (code, console) = TestConsole.Run("trace", "--help");

        Assert.Equal(0, code);
        Assert.Contains("Trace new processes", console.OutText);
        Assert.Contains("Trace open system calls", console.OutText);
        Assert.Contains("Trace DNS requests", console.OutText);
        Assert.Contains("Trace Server Name Indication (SNI) from TLS requests", console.OutText);
    }

    [Theory]
    [InlineData("exec", "--paths", "--ignore-errors")]
    [InlineData("open", "--failed", "--prefixes", "--full-path")]
    [InlineData("dns", "-P, --ports")]
    [InlineData("sni")]
    public void Gadget_help_shows_its_flags_and_the_common_ones(string gadget, params string[] flags)
    {
        var (code, console) = TestConsole.Run("trace", gadget, "--help");

        Assert.Equal(0, code);
        foreach (var flag in flags.Concat(["--output", "--timeout", "--ring-size"]))
            Assert.Contains(flag, console.OutText);
    }

    [Theory]
    [InlineData("trace", "exec", "--bogus")]
    [InlineData("trace", "nope")]
    [InlineData("trace", "exec", "--timeout", "abc")]
    [InlineData("nothing")]
    [InlineData("completion", "powershell")]
    public void Bad_input_gives_one_error_line_and_a_usage_exit_code(params string[] args)
    {
        var (code, console) = TestConsole.Run(args);

        Assert.Equal(2, code);
        var lines = console.ErrorText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("Error: ", lines[0]);
        Assert.Equal("", console.OutText);
    }

    [Fact]
    public void A_bad_output_format_is_one_error_line()
    {
        var (code, console) = TestConsole.Run("trace", "open", "-o", "yaml");

        Assert.Equal(1, code);
        Assert.Equal("Error: invalid --output \"yaml\": expected columns, json or columns=<col1>,<col2>,...", console.ErrorText.Trim());
    }

    [Fact]
    public void Version_prints_the_version()
    {
        var (code, console) = TestConsole.Run("version");

        Assert.Equal(0, code);
        Assert.Matches(@"^v\d+\.\d+\.\d+\n$", console.OutText);
    }

    [Theory]
    [InlineData("bash", "complete -o default -F _ig_complete ig")]
    [InlineData("zsh", "compdef _ig_complete ig")]
    [InlineData("fish", "complete -c ig")]
    public void Completion_scripts_ask_ig_for_suggestions(string shell, string expected)
    {
        var (code, console) = TestConsole.Run("completion", shell);

        Assert.Equal(0, code);
        Assert.Contains(expected, console.OutText);
        Assert.Contains("[suggest:", console.OutText);
    }

    [Theory]
    [InlineData("4096", 4096u)]
    [InlineData("512K", 512u * 1024)]
    [InlineData("8M", 8u * 1024 * 1024)]
    public void Ring_sizes_parse(string text, uint bytes) => Assert.Equal(bytes, GadgetCommand.ParseSize(text));

    [Theory]
    [InlineData("lots")]
    [InlineData("-1")]
    [InlineData("9999M")]
    public void Bad_ring_sizes_are_rejected(string text) => Assert.Throws<GadgetException>(() => GadgetCommand.ParseSize(text));
}
