using System.Text;
using Gadget.Gadgets;
using Gadget.Gadgets.Trace.Exec;
using Gadget.Tests.Output;
using static Gadget.Tests.RecordBuilder;

namespace Gadget.Tests.Gadgets;

public class ExecDecodingTests
{
    private static readonly ExecGadget Gadget = new();

    private static byte[] Exec(string[] args, int error = 0, bool truncated = false, string? cwd = null, string? exePath = null)
    {
        var argBytes = Encoding.UTF8.GetBytes(string.Concat(args.Select(a => a + "\0")));
        var cwdBytes = cwd is null ? [] : CString(cwd);
        var exeBytes = exePath is null ? [] : CString(exePath);
        var evt = new ExecEvent
        {
            Header = Header(4242, "mytool"),
            Ppid = 7,
            Loginuid = 1000,
            Sessionid = 3,
            Error = error,
            Pcomm = Comm("bash"),
            ArgsSize = (uint)argBytes.Length,
            CwdSize = (ushort)cwdBytes.Length,
            ExepathSize = (ushort)exeBytes.Length,
            ArgsTruncated = truncated ? (byte)1 : (byte)0,
        };
        return Build(evt, argBytes, cwdBytes, exeBytes);
    }

    [Fact]
    public void Json_has_the_reference_fields_and_the_arguments_as_a_list()
    {
        var json = Render.Json(Gadget, null, Exec(["/bin/ls", "-l", "/tmp dir"])).Single();

        Assert.Equal(4242u, json.GetProperty("pid").GetUInt32());
        Assert.Equal(7u, json.GetProperty("ppid").GetUInt32());
        Assert.Equal("mytool", json.GetProperty("comm").GetString());
        Assert.Equal("bash", json.GetProperty("pcomm").GetString());
        Assert.Equal(["/bin/ls", "-l", "/tmp dir"], json.GetProperty("args").EnumerateArray().Select(a => a.GetString()!));
        Assert.Equal("normal", json.GetProperty("type").GetString());
        Assert.Equal(1000u, json.GetProperty("uid").GetUInt32());
        Assert.Equal(3u, json.GetProperty("sessionid").GetUInt32());
        Assert.False(json.TryGetProperty("ret", out _), "ret is omitted when 0, as in the reference");
        Assert.Equal(1_700_000_001_000_000_000, json.GetProperty("timestamp").GetInt64());
    }

    [Fact]
    public void A_failed_exec_carries_the_negated_errno_and_its_name()
    {
        var json = Render.Json(Gadget, null, Exec(["/nope"], error: 2)).Single();

        Assert.Equal(-2, json.GetProperty("ret").GetInt32());
        Assert.Equal("ENOENT", json.GetProperty("error").GetString());
    }

    [Fact]
    public void Truncated_arguments_end_with_a_visible_marker()
    {
        var json = Render.Json(Gadget, null, Exec(["/bin/echo", "aaaa"], truncated: true)).Single();
        Assert.Equal(["/bin/echo", "aaaa", "..."], json.GetProperty("args").EnumerateArray().Select(a => a.GetString()!));

        var text = Render.Columns(Gadget, ["args"], null, Exec(["/bin/echo", "aaaa"], truncated: true));
        Assert.Equal("/bin/echo aaaa ...", text.Split('\n')[1]);
    }

    [Fact]
    public void Paths_follow_the_arguments()
    {
        var json = Render.Json(Gadget, null, Exec(["ls"], cwd: "/home/u", exePath: "/usr/bin/ls")).Single();

        Assert.Equal("/home/u", json.GetProperty("cwd").GetString());
        Assert.Equal("/usr/bin/ls", json.GetProperty("exepath").GetString());
        Assert.Equal(["ls"], json.GetProperty("args").EnumerateArray().Select(a => a.GetString()!));
    }

    [Fact]
    public void Default_columns_are_those_of_the_reference()
    {
        var lines = Render.Columns(Gadget, null, null, Exec(["/bin/true", "x"], error: 13)).Split('\n');

        Assert.Equal(["PID", "PPID", "COMM", "PCOMM", "RET", "ARGS"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["4242", "7", "mytool", "bash", "-13", "/bin/true", "x"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Paths_parameter_adds_the_cwd_and_exepath_columns()
    {
        var parameters = new ParameterValues(Gadget.Parameters, [new("paths", "true")]);
        Assert.Contains("cwd", Gadget.DefaultColumns(parameters));
        Assert.Contains("exepath", Gadget.DefaultColumns(parameters));
        Assert.DoesNotContain("cwd", Gadget.DefaultColumns(new ParameterValues(Gadget.Parameters)));
    }
}

public class UserNamesTests
{
    [Fact]
    public void Passwd_lines_map_uids_to_names_and_skip_garbage()
    {
        var names = Gadget.Gadgets.Common.UserNames.Parse(["root:x:0:0:root:/root:/bin/sh", "# comment", "daemon:x:1:1::/:", "bad:x:notanumber:1", ":x:5:5"]);

        Assert.Equal("root", System.Text.Encoding.UTF8.GetString(names[0]));
        Assert.Equal("daemon", System.Text.Encoding.UTF8.GetString(names[1]));
        Assert.Equal(2, names.Count);
    }
}
