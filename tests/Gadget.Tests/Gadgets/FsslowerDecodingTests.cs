using System.Text;
using Gadget.Gadgets;
using Gadget.Gadgets.Trace.Fsslower;
using Gadget.Runtime;
using Gadget.Tests.Cli;
using Gadget.Tests.Output;
using static Gadget.Tests.RecordBuilder;

namespace Gadget.Tests.Gadgets;

public class FsslowerDecodingTests
{
    private static readonly FsslowerGadget Gadget = new();

    private static byte[] Slow(FsslowerOp op, string file, ulong latencyNs, long offset = 0, ulong bytes = 0)
    {
        var evt = new FsslowerEvent
        {
            Header = Header(321, "postgres"),
            LatencyNs = latencyNs,
            Offset = offset,
            Bytes = bytes,
            Op = (uint)op,
        };
        Encoding.UTF8.GetBytes(file + "\0").AsSpan().CopyTo(evt.File);
        return Build(evt);
    }

    [Fact]
    public void Json_has_the_reference_fields_with_latency_in_microseconds()
    {
        var json = Render.Json(Gadget, null, Slow(FsslowerOp.Read, "base.db", latencyNs: 12_345_678, offset: 8192, bytes: 4096)).Single();

        Assert.Equal(321u, json.GetProperty("pid").GetUInt32());
        Assert.Equal("postgres", json.GetProperty("comm").GetString());
        Assert.Equal("R", json.GetProperty("op").GetString());
        Assert.Equal(4096, json.GetProperty("bytes").GetInt64());
        Assert.Equal(8192, json.GetProperty("offset").GetInt64());
        Assert.Equal(12_345, json.GetProperty("latency").GetInt64());
        Assert.Equal("base.db", json.GetProperty("file").GetString());
        Assert.Equal(4026531840ul, json.GetProperty("mountnsid").GetUInt64());
        Assert.Equal("normal", json.GetProperty("type").GetString());
    }

    [Fact]
    public void Zero_bytes_and_offsets_are_left_out_of_json_like_the_reference()
    {
        var json = Render.Json(Gadget, null, Slow(FsslowerOp.Open, "config.yaml", latencyNs: 20_000_000)).Single();

        Assert.Equal("O", json.GetProperty("op").GetString());
        Assert.False(json.TryGetProperty("bytes", out _));
        Assert.False(json.TryGetProperty("offset", out _));
    }

    [Fact]
    public void An_fsync_reports_the_whole_file_range()
    {
        var json = Render.Json(Gadget, null, Slow(FsslowerOp.Fsync, "wal", latencyNs: 50_000_000, bytes: long.MaxValue)).Single();

        Assert.Equal("F", json.GetProperty("op").GetString());
        Assert.Equal(long.MaxValue, json.GetProperty("bytes").GetInt64());
    }

    [Theory]
    [InlineData(FsslowerOp.Read, "R")]
    [InlineData(FsslowerOp.Write, "W")]
    [InlineData(FsslowerOp.Open, "O")]
    [InlineData(FsslowerOp.Fsync, "F")]
    [InlineData((FsslowerOp)9, "?")]
    public void Operations_are_one_letter(FsslowerOp op, string letter) =>
        Assert.Equal(letter, Encoding.UTF8.GetString(FsslowerGadget.OpLetter(op)));

    [Fact]
    public void Default_columns_are_the_references()
    {
        var text = Render.Columns(Gadget, null, null, Slow(FsslowerOp.Write, "a-rather-long-file-name-of-a-table.dat", 15_000_000, offset: 1048576, bytes: 65536));
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("    PID COMM             T      BYTES     OFFSET        LAT FILE", lines[0]);
        // FILE is the last column: never cut.
        Assert.Equal("    321 postgres         W      65536    1048576      15000 a-rather-long-file-name-of-a-table.dat", lines[1]);
    }

    [Fact]
    public void A_name_that_fills_the_buffer_needs_no_terminator()
    {
        var name = new string('n', 256);
        var evt = new FsslowerEvent { Header = Header(1, "x"), Op = (uint)FsslowerOp.Read };
        Encoding.UTF8.GetBytes(name).AsSpan().CopyTo(evt.File);

        var json = Render.Json(Gadget, null, Build(evt)).Single();

        Assert.Equal(name, json.GetProperty("file").GetString());
    }

    [Fact]
    public void Proc_filesystems_lines_give_the_type_names()
    {
        const string Text = "nodev\tsysfs\nnodev\ttmpfs\n\text4\n\txfs\nnodev\toverlay\n\n\tfuseblk\n";

        Assert.Equal(["sysfs", "tmpfs", "ext4", "xfs", "overlay", "fuseblk"], FileSystemTypes.Parse(Text));
        Assert.False(FileSystemTypes.TryParseLine("nodev\t", out _));
    }

    [Theory]
    [InlineData("ext5", "invalid value \"ext5\" for --filesystem: not a file system type of this kernel (from /proc/filesystems: ext4, tmpfs, overlay)")]
    [InlineData("", "--filesystem needs a file system type, e.g. ext4")]
    [InlineData("an-absurdly-long-file-system-name", "invalid value \"an-absurdly-long-file-system-name\" for --filesystem: longer than 31 bytes")]
    public void Bad_file_system_names_are_one_clear_error(string name, string message)
    {
        var e = Assert.Throws<GadgetException>(() => FsslowerGadget.ValidateFileSystem(name, ["ext4", "tmpfs", "overlay"]));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Known_names_pass_and_an_unreadable_list_checks_nothing()
    {
        Assert.Equal("overlay", FsslowerGadget.ValidateFileSystem("overlay", ["ext4", "overlay"]));
        Assert.Equal("nfs", FsslowerGadget.ValidateFileSystem("nfs", []));
    }

    [Fact]
    public void Defaults_are_the_references()
    {
        var values = new ParameterValues(Gadget.Parameters);

        Assert.Equal(10u, values.GetUInt("min"));
        Assert.Equal("ext4", values.GetString("filesystem"));
        Assert.Same(Gadget.GetType(), GadgetCatalog.Find("trace", "fsslower")?.GetType());
    }

    [Fact]
    public void Help_shows_the_reference_flags_and_their_defaults()
    {
        var (code, console) = TestConsole.Run("trace", "fsslower", "--help");

        Assert.Equal(0, code);
        Assert.Contains("Trace open, read, write and fsync operations slower than a threshold", console.OutText);
        Assert.Matches(@"-m, --min <min>\s+Min latency to trace, in ms \(default 10\)", console.OutText);
        Assert.Matches(@"-f, --filesystem <filesystem>\s+Filesystem to trace.*\(default ext4\)", console.OutText);
    }

    [Theory]
    [InlineData("-m", "abc")]
    [InlineData("--min", "-5")]
    [InlineData("--min", "99999999999")]
    [InlineData("--min", "ten")]
    [InlineData("-m", "1.5")]
    public void A_bad_min_is_one_error_line(string flag, string value)
    {
        var (code, console) = TestConsole.Run("trace", "fsslower", flag, value);

        Assert.Equal(1, code);
        var lines = console.ErrorText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            $"Error: invalid value \"{value}\" for --min: expected a whole number from 0 to 4294967295 (see 'ig trace fsslower --help')",
            Assert.Single(lines));
    }
}
