using System.Diagnostics;
using Gadget.Native;

namespace Gadget.Tests.Containers;

/// <summary>Files are read only when their owner alone can have written them, and nothing that
/// is not a regular file is ever opened for reading (so a FIFO cannot block). The tests play
/// the owner's part with this process's own uid.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class TrustedFilesTests : IDisposable
{
    private static readonly uint Me = Privileges.EffectiveUid;
    private readonly string _dir = Directory.CreateTempSubdirectory("igt-trust-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    [Fact]
    public void A_regular_file_of_the_owner_is_read()
    {
        var path = Write("a/state.json", "{\"x\":1}");

        Assert.Equal("{\"x\":1}", System.Text.Encoding.UTF8.GetString(TrustedFiles.TryRead(path, 1024, out var problem, Me) ?? []));
        Assert.Null(problem);
    }

    [Fact]
    public async Task A_fifo_is_refused_at_once()
    {
        var path = Path.Combine(_dir, "state.json");
        using (var mkfifo = Process.Start("mkfifo", path))
            await mkfifo.WaitForExitAsync(TestContext.Current.CancellationToken);

        var read = Task.Run(() => TrustedFiles.TryRead(path, 1024, out var problem, Me) is null ? problem : "read", TestContext.Current.CancellationToken);

        // Opening it for reading would wait for a writer, for ever.
        Assert.Same(read, await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)));
        Assert.Contains("is not a regular file", await read, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_others_may_write_or_in_a_directory_others_may_write_is_refused()
    {
        var shared = Write("f", "x", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite);
        Assert.Null(TrustedFiles.TryRead(shared, 1024, out var problem, Me));
        Assert.Contains("alone", problem, StringComparison.Ordinal);

        var inOpenDir = Write("open/f", "x");
        File.SetUnixFileMode(Path.Combine(_dir, "open"), (UnixFileMode)0b111_111_111);
        Assert.Null(TrustedFiles.TryRead(inOpenDir, 1024, out problem, Me));
        Assert.Contains("can be written by others", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_of_another_owner_is_refused()
    {
        var path = Write("f", "x");

        Assert.Null(TrustedFiles.TryRead(path, 1024, out var problem, Me + 1));
        Assert.NotNull(problem);
    }

    [Fact]
    public void A_link_as_the_file_is_refused_and_a_link_on_the_way_is_followed()
    {
        var target = Write("real/state.json", "ok");
        var fileLink = Path.Combine(_dir, "link.json");
        File.CreateSymbolicLink(fileLink, target);
        Assert.Null(TrustedFiles.TryRead(fileLink, 1024, out var problem, Me));
        Assert.Contains("is not a regular file", problem, StringComparison.Ordinal);

        Directory.CreateSymbolicLink(Path.Combine(_dir, "alias"), "real");
        Assert.Equal("ok"u8.ToArray(), TrustedFiles.TryRead(Path.Combine(_dir, "alias", "state.json"), 1024, out problem, Me));

        Directory.CreateSymbolicLink(Path.Combine(_dir, "up"), "../" + Path.GetFileName(_dir) + "/real");
        Assert.Equal("ok"u8.ToArray(), TrustedFiles.TryRead(Path.Combine(_dir, "up", "state.json"), 1024, out problem, Me));
    }

    [Fact]
    public void A_link_loop_and_a_large_file_are_refused()
    {
        Directory.CreateSymbolicLink(Path.Combine(_dir, "loop"), "loop");
        Assert.Null(TrustedFiles.TryRead(Path.Combine(_dir, "loop", "x"), 1024, out var problem, Me));
        Assert.NotNull(problem);

        var big = Write("big", new string('x', 2048));
        Assert.Null(TrustedFiles.TryRead(big, 1024, out problem, Me));
        Assert.Contains("more than 1024", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Identity_is_the_kernels_device_and_inode()
    {
        var path = Write("bin", "x");

        var identity = TrustedFiles.TryIdentify(path, out _, Me);

        Assert.NotNull(identity);
        Assert.NotEqual(0UL, identity.Value.Inode);
        // glibc's encoding of 259:3 is 0x10303; the kernel's 259 << 20 | 3.
        Assert.Equal((259u << 20) | 3, TrustedFiles.KernelDevice(0x10303));
        Assert.Equal((8u << 20) | 1, TrustedFiles.KernelDevice(0x801));
    }
}
