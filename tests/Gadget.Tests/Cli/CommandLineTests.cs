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
    [InlineData("exec", "Trace new processes", "--paths", "--ignore-errors")]
    [InlineData("open", "Trace open system calls", "--failed", "--prefixes", "--full-path")]
    [InlineData("dns", "Trace DNS requests", "-P, --ports", "Ports to trace DNS requests on, comma-separated (TCP and UDP)", "--dns-timeout")]
    [InlineData("sni", "Trace Server Name Indication (SNI) from TLS requests")]
    public void Gadget_help_shows_its_flags_and_the_common_ones(string gadget, string description, params string[] expected)
    {
        var (code, console) = TestConsole.Run("trace", gadget, "--help");

        Assert.Equal(0, code);
        // The description is the help's own first paragraph, not just a mention in a list.
        Assert.Contains($"Description:\n  {description}\n", console.OutText.ReplaceLineEndings("\n"));
        foreach (var text in expected.Concat(["--output", "--timeout", "--ring-size"]))
            Assert.Contains(text, console.OutText);
    }

    [Theory]
    [InlineData("paths", "true", "trace", "exec", "--paths")]
    [InlineData("paths", "true", "trace", "exec", "--paths", "--host")]
    [InlineData("paths", "false", "trace", "exec", "--paths=false")]
    [InlineData("paths", "false", "trace", "exec", "--paths", "False")]
    [InlineData("ignore-errors", "false", "trace", "bind", "-i=false")]
    [InlineData("audit-only", "true", "trace", "capabilities", "--audit-only=true")]
    [InlineData("kill-only", "true", "trace", "signal", "-fk")]
    [InlineData("failed-only", "true", "trace", "signal", "-fk")]
    [InlineData("pid", "42", "trace", "signal", "--pid", "42", "-k")]
    [InlineData("pid", "4294967295", "trace", "signal", "--pid=4294967295")]
    [InlineData("min", "0", "trace", "fsslower", "-m", "0")]
    public void Typed_flags_accept_their_values(string key, string value, params string[] args)
    {
        var result = IgCommand.Create(new TestConsole()).Parse(args);

        Assert.Empty(result.Errors);
        Assert.Equal(value, result.GetValue<string>("--" + key));
    }

    [Theory]
    [InlineData("trace", "exec", "--bogus")]
    [InlineData("trace", "nope")]
    [InlineData("trace", "exec", "--timeout", "abc")]
    [InlineData("trace", "signal", "--pid", "abc")]
    [InlineData("trace", "open", "--failed=maybe")]
    [InlineData("trace", "open", "-o", "yaml")]
    [InlineData("nothing")]
    [InlineData("completion", "powershell")]
    public void Bad_input_gives_one_error_line_and_exit_code_1_as_the_reference(params string[] args)
    {
        var (code, console) = TestConsole.Run(args);

        // Parser errors and the commands' own checks alike: cobra exits 1 on any error.
        Assert.Equal(1, code);
        var lines = console.ErrorText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("Error: ", lines[0]);
        Assert.Equal("", console.OutText);
    }

    [Theory]
    [InlineData("Error: unknown command \"nosuch\" for \"ig\" (see 'ig --help')", "nosuch")]
    [InlineData("Error: unknown command \"nosuch\" for \"ig trace\" (see 'ig trace --help')", "trace", "nosuch")]
    [InlineData("Error: unknown command \"nosuch\" for \"ig trace\" (see 'ig trace --help')", "trace", "nosuch", "--host")]
    [InlineData("Error: unknown flag \"--bogus\" for \"ig trace\" (see 'ig trace --help')", "trace", "--bogus")]
    [InlineData("Error: Required command was not provided. (see 'ig trace --help')", "trace")]
    public void An_unknown_command_is_named_rather_than_a_missing_one(string message, params string[] args)
    {
        var (code, console) = TestConsole.Run(args);

        Assert.Equal(1, code);
        Assert.Equal(message, console.ErrorText.TrimEnd('\n'));
    }

    [Theory]
    [InlineData("abc", "trace", "exec")]
    [InlineData("1.5", "trace", "exec")]
    [InlineData("-1", "trace", "exec")]
    [InlineData("5184000", "trace", "exec")]
    [InlineData("4294968", "trace", "exec")]
    [InlineData("abc", "list-containers")]
    [InlineData("-1", "list-containers")]
    [InlineData("5184000", "list-containers", "-w")]
    public void A_bad_timeout_is_the_same_one_error_line_for_gadgets_and_list_containers(string value, params string[] command)
    {
        var (code, console) = TestConsole.Run([.. command, "--timeout", value]);

        Assert.Equal(1, code);
        var path = string.Join(' ', command.Where(c => !c.StartsWith('-')));
        Assert.Equal($"Error: invalid value \"{value}\" for --timeout: expected a whole number of seconds up to 4294967, or 0 for no timeout (see 'ig {path} --help')",
            console.ErrorText.TrimEnd('\n'));
        Assert.Equal("", console.OutText);
    }

    [Theory]
    [InlineData(null, "trace", "exec")]
    [InlineData(null, "trace", "exec", "--timeout", "0")]
    [InlineData(1, "trace", "exec", "--timeout", "1")]
    [InlineData(4294967, "trace", "exec", "--timeout", "4294967")]
    [InlineData(null, "list-containers", "--timeout", "0")]
    [InlineData(30, "list-containers", "-w", "--timeout", "30")]
    public void Timeouts_are_whole_seconds_and_0_is_none(int? seconds, params string[] args)
    {
        var result = IgCommand.Create(new TestConsole()).Parse(args);

        Assert.Empty(result.Errors);
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, TimeoutOption.Value(result));
    }

    [Theory]
    [InlineData(",")]
    [InlineData(" , ")]
    [InlineData("")]
    public void A_runtime_list_naming_no_runtime_is_rejected(string runtimes)
    {
        var result = IgCommand.Create(new TestConsole()).Parse(["trace", "exec", "-r", runtimes]);

        var error = Assert.Throws<GadgetException>(() => ContainerArgs.From(result));
        Assert.Equal($"invalid value \"{runtimes}\" for --runtimes: expected one or more of docker, containerd, comma-separated", error.Message);
    }

    [Fact]
    public void Without_runtimes_every_runtime_is_asked() =>
        Assert.Null(ContainerArgs.From(IgCommand.Create(new TestConsole()).Parse(["trace", "exec"])).Selector.Runtimes);

    [Fact]
    public void List_containers_names_its_columns_when_one_is_unknown()
    {
        var (code, console) = TestConsole.Run("list-containers", "-o", "columns=name,nope");

        Assert.Equal(1, code);
        Assert.Equal("Error: unknown column \"nope\"; available: runtime, id, name, namespace, pod, pid, mntns, image, "
            + "runtime.containerImageDigest, k8s.containerName, k8s.podUID, k8s.hostNetwork, k8s.podLabels, netns, cgroupPath",
            console.ErrorText.TrimEnd('\n'));
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

    [Fact]
    public void The_version_flag_prints_what_the_version_command_prints()
    {
        var (code, console) = TestConsole.Run("--version");

        Assert.Equal(0, code);
        Assert.Equal(TestConsole.Run("version").Console.OutText, console.OutText);
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
