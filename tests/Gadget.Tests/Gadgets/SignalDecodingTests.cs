using Gadget.Gadgets;
using Gadget.Gadgets.Trace.Signal;
using Gadget.Tests.Output;
using static Gadget.Tests.RecordBuilder;

namespace Gadget.Tests.Gadgets;

public class SignalDecodingTests
{
    private static readonly SignalGadget Gadget = new();

    private static byte[] Signal(int sig, int tpid, int ret = 0) =>
        Build(new SignalEvent { Header = Header(321, "killer"), Sig = sig, Tpid = tpid, Ret = ret });

    [Fact]
    public void A_signal_shows_its_name_and_target_with_the_reference_field_names()
    {
        var json = Render.Json(Gadget, null, Signal(10, 654)).Single();

        Assert.Equal(321, json.GetProperty("pid").GetInt32());
        Assert.Equal("killer", json.GetProperty("comm").GetString());
        Assert.Equal("SIGUSR1", json.GetProperty("signal").GetString());
        Assert.Equal(654, json.GetProperty("tpid").GetInt32());
        Assert.False(json.TryGetProperty("ret", out _), "ret is left out when 0, like the reference");
        Assert.Equal(1000, json.GetProperty("uid").GetInt32());
        Assert.Equal(4026531840, json.GetProperty("mountnsid").GetInt64());
    }

    [Fact]
    public void A_failed_send_keeps_its_negative_errno_and_a_negative_target()
    {
        var json = Render.Json(Gadget, null, Signal(15, -4000, ret: -3)).Single();

        Assert.Equal(-3, json.GetProperty("ret").GetInt32());
        Assert.Equal(-4000, json.GetProperty("tpid").GetInt32());
    }

    [Fact]
    public void Default_columns_are_the_reference_ones()
    {
        var text = Render.Columns(Gadget, null, null, Signal(9, 77, ret: -1)).Split('\n');

        Assert.Equal(["PID", "COMM", "SIGNAL", "TPID", "RET"], text[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["321", "killer", "SIGKILL", "77", "-1"], text[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData(1, "SIGHUP")]
    [InlineData(17, "SIGCHLD")]
    [InlineData(31, "SIGSYS")]
    [InlineData(32, "SIG32")]
    [InlineData(34, "SIGRTMIN")]
    [InlineData(36, "SIGRTMIN+2")]
    [InlineData(64, "SIGRTMAX")]
    [InlineData(0, "0")]
    [InlineData(99, "99")]
    public void Signals_are_named_like_kill_l(int number, string name)
    {
        Span<byte> scratch = stackalloc byte[12];
        Assert.Equal(name, System.Text.Encoding.ASCII.GetString(SignalNames.Name(number, scratch)));
    }

    [Theory]
    [InlineData("SIGKILL", 9)]
    [InlineData("KILL", 9)]
    [InlineData("sigterm", 15)]
    [InlineData("9", 9)]
    [InlineData("SIGIOT", 6)]
    [InlineData("SIGRTMIN+2", 36)]
    [InlineData("RTMAX", 64)]
    public void Signal_names_and_numbers_parse(string text, int expected)
    {
        Assert.True(SignalNames.TryParse(text, out var signal));
        Assert.Equal(expected, signal);
    }

    [Theory]
    [InlineData("SIGFOO")]
    [InlineData("0")] // not "every signal": that is --signal left out
    [InlineData("00")]
    [InlineData("65")]
    [InlineData("-9")]
    [InlineData("9x")]
    public void Bad_signal_values_are_one_clear_error(string text)
    {
        var error = Assert.Throws<GadgetException>(() => new ParameterValues(Gadget.Parameters, [new("signal", text)]));
        Assert.Equal($"invalid value \"{text}\" for --signal: expected a signal name (SIGKILL or KILL) or number (1-64)", error.Message);
    }

    [Fact]
    public void No_signal_flag_means_every_signal()
    {
        Assert.Equal(0, SignalGadget.ParseSignal(new ParameterValues(Gadget.Parameters)));
        Assert.Equal(9, SignalGadget.ParseSignal(new ParameterValues(Gadget.Parameters, [new("signal", "SIGKILL")])));
    }
}
