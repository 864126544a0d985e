namespace Gadget.Tests.Cli;

/// <summary>trace signal, mount, oomkill and capabilities on the command line: the reference's
/// help texts and flags, and bad flag values as one error line before anything is loaded.</summary>
public class ProcessGadgetsCliTests
{
    [Theory]
    [InlineData("signal", "Trace signals received by processes",
        "--pid <pid>", "Show only signal sent by this particular PID",
        "--signal <signal>", "Trace only this signal (it can be an int like 9 or string beginning with \"SIG\" like \"SIGKILL\")",
        "-f, --failed-only", "Show only events where the syscall sending a signal failed",
        "-k, --kill-only", "Show only events issued by kill syscall")]
    [InlineData("mount", "Trace mount and umount system calls")]
    [InlineData("oomkill", "Trace when OOM killer is triggered and kills a process")]
    [InlineData("capabilities", "Trace security capability checks",
        "--audit-only", "Only show audit checks (default true)",
        "--unique", "Only show a capability once on the same container")]
    public void Help_shows_the_reference_description_and_flags(string gadget, string description, params string[] expected)
    {
        var (code, console) = TestConsole.Run("trace", gadget, "--help");

        Assert.Equal(0, code);
        Assert.Contains(description, console.OutText);
        foreach (var text in expected.Concat(["--output", "--timeout"]))
            Assert.Contains(text, console.OutText);
    }

    [Fact]
    public void The_trace_group_lists_the_four_gadgets()
    {
        var (_, console) = TestConsole.Run("trace", "--help");

        foreach (var gadget in (string[])["signal", "mount", "oomkill", "capabilities"])
            Assert.Matches($@"(?m)^\s+{gadget}\s", console.OutText);
    }

    [Theory]
    [InlineData("Error: invalid value \"SIGFOO\" for --signal: expected a signal name (SIGKILL or KILL) or number (1-64)", "trace", "signal", "--signal", "SIGFOO")]
    [InlineData("Error: invalid value \"100\" for --signal: expected a signal name (SIGKILL or KILL) or number (1-64)", "trace", "signal", "--signal", "100")]
    [InlineData("Error: invalid value \"0\" for --signal: expected a signal name (SIGKILL or KILL) or number (1-64)", "trace", "signal", "--signal", "0")]
    [InlineData("Error: invalid value \"-5\" for --pid: expected a whole number from 0 to 4294967295 (see 'ig trace signal --help')", "trace", "signal", "--pid", "-5")]
    [InlineData("Error: invalid value \"4294967296\" for --pid: expected a whole number from 0 to 4294967295 (see 'ig trace signal --help')", "trace", "signal", "--pid", "4294967296")]
    [InlineData("Error: invalid value \"1e3\" for --pid: expected a whole number from 0 to 4294967295 (see 'ig trace signal --help')", "trace", "signal", "--pid=1e3")]
    [InlineData("Error: invalid value \"maybe\" for --audit-only: expected true or false (see 'ig trace capabilities --help')", "trace", "capabilities", "--audit-only=maybe")]
    [InlineData("Error: invalid value \"yes\" for --kill-only: expected true or false (see 'ig trace signal --help')", "trace", "signal", "-k=yes")]
    [InlineData("Error: Unrecognized command or argument '--unique-ish'. (see 'ig trace capabilities --help')", "trace", "capabilities", "--unique-ish")]
    public void Bad_flag_values_are_one_error_line(string message, params string[] args)
    {
        var (code, console) = TestConsole.Run(args);

        // The parser's errors (--pid) and the gadget's (--signal) exit alike.
        Assert.Equal(1, code);
        Assert.Equal(message, console.ErrorText.Trim());
        Assert.Equal("", console.OutText);
    }
}
