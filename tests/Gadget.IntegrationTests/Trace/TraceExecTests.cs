using System.Text;
using Gadget.Gadgets.Trace.Exec;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Trace;

/// <summary>trace exec against the real kernel: real processes, real failures.</summary>
public sealed class TraceExecTests : OwningTest
{
    private readonly string _dir;

    public TraceExecTests()
    {
        _dir = OwnTempDirectory();
    }

    /// <summary>A copy of /bin/true under a unique name, so its events are ours alone.</summary>
    private string UniqueBinary(string prefix = "igx")
    {
        var path = Path.Combine(_dir, Paths.UniqueName(prefix));
        File.Copy("/bin/true", path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        return path;
    }

    [Fact]
    public void Reports_a_process_with_its_pid_parent_command_and_arguments()
    {
        Requires.Root();
        var binary = UniqueBinary();
        var name = Path.GetFileName(binary);
        using var session = RunningGadget.Start(new ExecGadget());

        var pid = Shell.RunAndGetPid(binary, "first arg", "--second");

        var e = session.WaitFor(e => e.Str("comm") == name, $"for {name}");
        Assert.Equal(pid, e.Num("pid"));
        Assert.Equal(Environment.ProcessId, e.Num("ppid"));
        Assert.Equal([binary, "first arg", "--second"], e.Strings("args"));
        Assert.Equal(0, e.Num("ret"));
        Assert.Equal(OwnMountNamespace(), (ulong)e.Num("mountnsid"));
        var age = DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeMilliseconds(e.Num("timestamp") / 1_000_000);
        Assert.InRange(age.TotalSeconds, -1, 10);
    }

    [Fact]
    public void Reports_failed_execs_with_their_error()
    {
        Requires.Root();
        var missing = Path.Combine(_dir, "missing-" + Guid.NewGuid().ToString("N")[..6]);
        var notExecutable = Path.Combine(_dir, "plain-" + Guid.NewGuid().ToString("N")[..6]);
        File.WriteAllText(notExecutable, "data");
        using var session = RunningGadget.Start(new ExecGadget());

        Shell.TryRun("/bin/sh", null, TimeSpan.FromSeconds(10), "-c", $"{missing} one; {notExecutable} two");

        var enoent = session.WaitFor(e => e.Strings("args").FirstOrDefault() == missing, "for the missing binary");
        Assert.Equal(-2, enoent.Num("ret"));
        Assert.Equal("ENOENT", enoent.Str("error"));
        Assert.Equal([missing, "one"], enoent.Strings("args"));
        var eacces = session.WaitFor(e => e.Strings("args").FirstOrDefault() == notExecutable, "for the non-executable file");
        Assert.Equal(-13, eacces.Num("ret"));
    }

    [Fact]
    public void Ignore_errors_keeps_failed_execs_out()
    {
        Requires.Root();
        var missing = Path.Combine(_dir, "missing-" + Guid.NewGuid().ToString("N")[..6]);
        var binary = UniqueBinary();
        using var session = RunningGadget.Start(new ExecGadget(), ("ignore-errors", "true"));

        Shell.TryRun("/bin/sh", null, TimeSpan.FromSeconds(10), "-c", $"{missing}; {binary}");

        session.WaitFor(e => e.Str("comm") == Path.GetFileName(binary), "for the successful exec");
        session.Stop();
        Assert.DoesNotContain(session.Records, e => e.Strings("args").FirstOrDefault() == missing);
    }

    [Fact]
    public void Long_arguments_are_complete_up_to_the_limit_then_marked()
    {
        Requires.Root();
        var binary = UniqueBinary();
        var longArg = new string('a', 3000);
        using var session = RunningGadget.Start(new ExecGadget());

        Shell.RunAndGetPid(binary, longArg, longArg, longArg, "tail");

        var e = session.WaitFor(e => e.Str("comm") == Path.GetFileName(binary), "for the long exec");
        var args = e.Strings("args");
        Assert.Equal("...", args[^1]);
        Assert.Equal(longArg, args[1]);
        Assert.Equal(longArg, args[2]);
        // Everything before the marker is what the process got, cut at ExecGadget.ArgsLimit bytes.
        var kept = Encoding.UTF8.GetByteCount(string.Join('\0', args[..^1]));
        Assert.Equal(ExecGadget.ArgsLimit, kept);
    }

    [Fact]
    public void Paths_show_the_working_directory_and_the_executable()
    {
        Requires.Root();
        var binary = UniqueBinary();
        using var session = RunningGadget.Start(new ExecGadget(), ("paths", "true"));

        var start = new System.Diagnostics.ProcessStartInfo(binary) { WorkingDirectory = "/usr/share" };
        System.Diagnostics.Process.Start(start)!.WaitForExit();

        var e = session.WaitFor(e => e.Str("comm") == Path.GetFileName(binary), "for the exec");
        Assert.Equal("/usr/share", e.Str("cwd"));
        Assert.Equal(binary, e.Str("exepath"));
        Assert.Equal("root", e.Str("user"));
    }

    internal static ulong OwnMountNamespace()
    {
        var link = File.ResolveLinkTarget("/proc/self/ns/mnt", returnFinalTarget: false)!.ToString(); // mnt:[4026531841]
        return ulong.Parse(link[(link.IndexOf('[') + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
