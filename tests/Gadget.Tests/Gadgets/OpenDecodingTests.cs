using Gadget.Gadgets;
using Gadget.Gadgets.Trace.Open;
using Gadget.Tests.Output;
using static Gadget.Tests.RecordBuilder;

namespace Gadget.Tests.Gadgets;

public class OpenDecodingTests
{
    private static readonly OpenGadget Gadget = new();

    private static byte[] Open(string path, int fd, int error = 0, uint flags = 0, uint mode = 0, string? fullPath = null)
    {
        var pathBytes = CString(path);
        var fullBytes = fullPath is null ? [] : CString(fullPath);
        var evt = new OpenEvent
        {
            Header = Header(99, "cat"),
            Fd = fd,
            Error = error,
            Flags = flags,
            Mode = mode,
            PathSize = (ushort)pathBytes.Length,
            FullPathSize = (ushort)fullBytes.Length,
        };
        return Build(evt, pathBytes, fullBytes);
    }

    [Fact]
    public void A_successful_open_shows_its_descriptor_and_flag_names()
    {
        var json = Render.Json(Gadget, null, Open("/etc/passwd", 3, flags: 0x80000)).Single();

        Assert.Equal(3, json.GetProperty("fd").GetInt32());
        Assert.Equal(3, json.GetProperty("ret").GetInt32());
        Assert.False(json.TryGetProperty("err", out _));
        Assert.Equal("/etc/passwd", json.GetProperty("path").GetString());
        Assert.Equal(["O_RDONLY", "O_CLOEXEC"], json.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!));
        Assert.Equal(0x80000, json.GetProperty("flagsRaw").GetInt32());
        Assert.False(json.TryGetProperty("mode", out _), "no mode without O_CREAT");
    }

    [Fact]
    public void A_failed_open_has_no_descriptor_and_its_errno()
    {
        var json = Render.Json(Gadget, null, Open("/missing", -1, error: 2)).Single();

        Assert.False(json.TryGetProperty("fd", out _));
        Assert.Equal(2, json.GetProperty("err").GetInt32());
        Assert.Equal(-2, json.GetProperty("ret").GetInt32());
        Assert.Equal("ENOENT", json.GetProperty("error").GetString());

        var line = Render.Columns(Gadget, ["fd", "err", "path"], null, Open("/missing", -1, error: 2)).Split('\n')[1];
        Assert.Equal("    ENOENT  /missing", line);
    }

    [Fact]
    public void Ret_is_json_only_and_kept_for_descriptor_zero()
    {
        // fd 0 is a real descriptor (stdin was closed): "ret": 0 must not be left out.
        var json = Render.Json(Gadget, null, Open("/dev/null", 0)).Single();
        Assert.Equal(0, json.GetProperty("ret").GetInt32());
        Assert.DoesNotContain("ret", Gadget.DefaultColumns(new ParameterValues(Gadget.Parameters)));
        Assert.Throws<GadgetException>(() => Render.Columns(Gadget, ["ret"], null, Open("/x", 3)));
    }

    [Fact]
    public void Creating_opens_show_their_mode_like_the_reference()
    {
        var json = Render.Json(Gadget, null, Open("/tmp/new", 4, flags: 0x241, mode: 0x1a4 /* 0644 */)).Single();

        Assert.Equal(["O_WRONLY", "O_CREAT", "O_TRUNC"], json.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!));
        Assert.Equal("-rw-r--r--", json.GetProperty("mode").GetString());
        Assert.Equal(0x1a4, json.GetProperty("modeRaw").GetInt32());
    }

    [Fact]
    public void Composite_flags_are_named_once()
    {
        var json = Render.Json(Gadget, null, Open("/tmp", 5, flags: 0x410002 | 0x101000)).Single();
        var flags = json.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToArray();

        Assert.Equal(["O_RDWR", "O_SYNC", "O_TMPFILE"], flags);
    }

    [Fact]
    public void Full_path_follows_the_path()
    {
        var json = Render.Json(Gadget, null, Open("../x", 3, fullPath: "/home/x")).Single();

        Assert.Equal("../x", json.GetProperty("path").GetString());
        Assert.Equal("/home/x", json.GetProperty("fullPath").GetString());
    }

    /// <summary>A failed open's full path is the directory joined to the path as given (the
    /// kernel could not resolve it): its "." and ".." are resolved by their text.</summary>
    [Theory]
    [InlineData("./nonexist_qa", "/etc/./nonexist_qa", "/etc/nonexist_qa")]
    [InlineData("../nonexist", "/etc/ssl/../nonexist", "/etc/nonexist")]
    [InlineData("a/./b/../../c/", "/srv/a/./b/../../c/", "/srv/c")]
    [InlineData("x", "//x", "/x")]
    [InlineData("../../../x", "/tmp/../../../x", "/x")]
    [InlineData("..", "/tmp/..", "/")]
    [InlineData("/etc/.hidden/..x", "/etc/.hidden/..x", "/etc/.hidden/..x")]
    public void A_failed_opens_full_path_has_no_dot_segments(string path, string joined, string expected)
    {
        var json = Render.Json(Gadget, null, Open(path, -1, error: 2, fullPath: joined)).Single();

        Assert.Equal(expected, json.GetProperty("fullPath").GetString());
        Assert.Equal(path, json.GetProperty("path").GetString());
        var columns = Render.Columns(Gadget, ["fullPath"], null, Open(path, -1, error: 2, fullPath: joined)).Split('\n');
        Assert.Equal(expected, columns[1]);
    }

    [Fact]
    public void Columns_join_flags_with_bars()
    {
        var line = Render.Columns(Gadget, ["flags"], null, Open("/x", 3, flags: 0x80042)).Split('\n')[1];
        Assert.Equal("O_RDWR|O_CREAT|O_CLOEXEC", line);
    }
}
