using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Hostile;

/// <summary>The published ig writing where it cannot (a closed stdout, /dev/full for either
/// stream), and real processes whose command and file names hold bytes a terminal acts on.</summary>
public sealed class OutputRobustnessCliTests : OwningTest
{
    /// <summary>ESC [31m (colours), a C1 CSI written as UTF-8 (U+009B), a right-to-left
    /// override (U+202E), and an invalid byte (0xff, also a lone 0x9b).</summary>
    private static readonly byte[] Hostile = [.. "ig\x1b[31m"u8, 0xc2, 0x9b, 0xe2, 0x80, 0xae, 0xff, 0x9b, .. "z"u8];

    private readonly string _dir;

    public OutputRobustnessCliTests()
    {
        _dir = OwnTempDirectory();
        // Names that are not UTF-8 are beyond .NET's Directory.Delete: the shell removes them first.
        Own(new ShellRemoval(_dir));
    }

    private sealed class ShellRemoval(string dir) : IDisposable
    {
        public void Dispose() => Shell.TryRun("sh", null, TimeSpan.FromSeconds(10), "-c", "rm -rf \"$0\"/*", dir);
    }

    [Fact]
    public void A_closed_stdout_is_one_error_line()
    {
        Requires.Root();

        var result = IgShell.Run(">&-", TimeSpan.FromSeconds(30), "trace", "exec", "--host", "--timeout", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Error: standard output is closed or not writable: ig has nowhere to write (redirect it to a file or /dev/null)", result.Error.TrimEnd('\n'));
    }

    [Fact]
    public void A_full_stderr_is_a_failure_and_no_crash()
    {
        Requires.Root();

        var result = IgShell.Run("2>/dev/full", TimeSpan.FromSeconds(30), "trace", "exec", "--host", "--timeout", "1");

        // The summary line could not be written: exit 1, not 0 and not an abort (134).
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("CONTAINER", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("columns")]
    [InlineData("json")]
    public void A_full_stdout_is_one_error_line_and_a_failure(string output)
    {
        Requires.Root();
        var binary = Path.Combine(_dir, "igfull");
        File.Copy("/bin/true", binary);
        var stop = false;
        // Events while it runs, so that JSON (which has no header) has something to write.
        var execs = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                Shell.TryRun(binary, null, TimeSpan.FromSeconds(5));
                Thread.Sleep(50);
            }
        });
        execs.Start();

        var result = IgShell.Run(">/dev/full", TimeSpan.FromSeconds(60), "trace", "exec", "--host", "-o", output, "--timeout", "3");
        Volatile.Write(ref stop, true);
        execs.Join();

        Assert.Equal(1, result.ExitCode);
        // Warnings of the machine's runtimes may come first; the error is the one other line.
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("WARNING: ", StringComparison.Ordinal));
        Assert.Equal(["Error: cannot write the output: No space left on device"], lines);
    }

    [Fact]
    public void Columns_escape_controls_bidi_overrides_and_invalid_utf8_of_a_real_command_and_file()
    {
        Requires.Root();
        var output = Path.Combine(_dir, "out");
        var (binary, file) = HostileNames();
        using var ig = StartToFile(output, "trace", "exec", "--host", "-o", "columns=args");
        WaitForHeader(output, "ARGS");

        RunHostile(binary, file);

        var escaped0 = Path.Combine(_dir, @"ig\x1b[31m");
        var line = WaitForLine(output, l => l.StartsWith(escaped0, StringComparison.Ordinal), ig);
        StopAndWait(ig);
        var escaped = @"ig\x1b[31m\u009b\u202e\xff\x9bz";
        Assert.Equal(Path.Combine(_dir, escaped + "-bin") + " " + Path.Combine(_dir, escaped + "-file") + " igz-end", line);
        AssertOnlyPrintable(File.ReadAllBytes(output));
    }

    [Fact]
    public void Columns_escape_a_real_file_name_of_trace_open()
    {
        Requires.Root();
        var output = Path.Combine(_dir, "out");
        var (binary, file) = HostileNames();
        using var ig = StartToFile(output, "trace", "open", "--host", "-o", "columns=path");
        WaitForHeader(output, "PATH");

        RunHostile(binary, file);

        var expected = Path.Combine(_dir, @"ig\x1b[31m\u009b\u202e\xff\x9bz-file");
        WaitForLine(output, l => l == expected, ig);
        StopAndWait(ig);
        AssertOnlyPrintable(File.ReadAllBytes(output));
    }

    [Fact]
    public void Json_stays_valid_and_keeps_the_exact_value()
    {
        Requires.Root();
        var output = Path.Combine(_dir, "out");
        var (binary, file) = HostileNames();
        using var ig = StartToFile(output, "trace", "exec", "--host", "-o", "json");

        // JSON has no header that says ig is attached: run until the event shows.
        string? line = null;
        Poll.Until(() =>
        {
            RunHostile(binary, file);
            line = File.Exists(output) ? File.ReadAllText(output).Split('\n').FirstOrDefault(l => l.Contains("\"comm\":\"ig\\u001b", StringComparison.Ordinal)) : null;
            return line is not null || ig.HasExited;
        }, "the hostile exec in JSON", TimeSpan.FromSeconds(30));
        Assert.NotNull(line);
        StopAndWait(ig);
        using var json = JsonDocument.Parse(line);
        // Valid code points come back exactly; each invalid byte is U+FFFD, as in the reference.
        // comm is the first 15 bytes of the file name.
        Assert.Equal("ig\u001b[31m\u009b\u202e\ufffd\ufffdz", json.RootElement.GetProperty("comm").GetString());
        Assert.Equal(Path.Combine(_dir, "ig\u001b[31m\u009b\u202e\ufffd\ufffdz-file"), json.RootElement.GetProperty("args")[1].GetString());
        // No raw C1, bidi override or invalid byte in the line itself: they are \u escapes.
        Assert.DoesNotContain(Encoding.UTF8.GetString([0xe2, 0x80, 0xae]), line, StringComparison.Ordinal);
        Assert.DoesNotContain("\u009b", line, StringComparison.Ordinal);
        Assert.Contains(@"\u202e", line, StringComparison.Ordinal);
    }

    /// <summary>A copy of /bin/cat and a file, both named with <see cref="Hostile"/> bytes.</summary>
    private (byte[] Binary, byte[] File) HostileNames()
    {
        var dir = Encoding.UTF8.GetBytes(_dir + "/");
        byte[] binary = [.. dir, .. Hostile, .. "-bin"u8];
        byte[] file = [.. dir, .. Hostile, .. "-file"u8];
        // Names that are not UTF-8 need a shell: .NET strings cannot hold the bytes.
        Shell.Run("sh", "-c", $"cp /bin/cat \"$(printf '{Printf(binary)}')\" && : > \"$(printf '{Printf(file)}')\"");
        return (binary, file);
    }

    private static void RunHostile(byte[] binary, byte[] file) =>
        Shell.Run("sh", "-c", $"\"$(printf '{Printf(binary)}')\" \"$(printf '{Printf(file)}')\" igz-end 2>/dev/null; true");

    /// <summary>printf's octal escapes for every byte.</summary>
    private static string Printf(byte[] bytes) => string.Concat(bytes.Select(b => $"\\{Convert.ToString(b, 8).PadLeft(3, '0')}"));

    private static Process StartToFile(string output, params string[] args)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardError = true };
        foreach (var arg in (string[])["-c", $"exec \"$0\" \"$@\" > '{output}'", Paths.IgBinary, .. args])
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    private static void WaitForHeader(string output, string header) =>
        Poll.Until(() => File.Exists(output) && File.ReadAllText(output).StartsWith(header, StringComparison.Ordinal), "ig's header", TimeSpan.FromSeconds(30));

    private static string WaitForLine(string output, Func<string, bool> match, Process ig)
    {
        string? found = null;
        Poll.Until(() =>
        {
            found = File.ReadAllText(output).Split('\n').FirstOrDefault(match);
            return found is not null || ig.HasExited;
        }, "the hostile line", TimeSpan.FromSeconds(30));
        return found ?? throw new InvalidOperationException($"ig exited ({ig.ExitCode}) without the line: {File.ReadAllText(output)}");
    }

    private static void StopAndWait(Process ig)
    {
        Shell.Run("kill", "-INT", ig.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(ig.WaitForExit(15_000), "ig did not stop on SIGINT");
        Assert.Equal(0, ig.ExitCode);
    }

    /// <summary>No byte a terminal acts on: valid UTF-8 (no replacement character decoded),
    /// no control character but the newlines, no bidi override, isolate or mark.</summary>
    private static void AssertOnlyPrintable(byte[] bytes)
    {
        Assert.True(System.Text.Unicode.Utf8.IsValid(bytes), "invalid UTF-8 reached the terminal");
        foreach (var c in Encoding.UTF8.GetString(bytes))
        {
            var bidi = c is (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069') or '\u200e' or '\u200f' or '\u061c';
            Assert.False((char.IsControl(c) && c != '\n') || bidi, $"U+{(int)c:X4} reached the terminal");
        }
    }
}
