using System.Diagnostics;
using System.Text;
using Gadget.Native;

namespace Gadget.Tests.Native;

/// <summary>The confined reader against a real directory tree standing for a container's root:
/// FIFOs, devices, huge sparse files, symlink loops and symlinks that point out of the root,
/// with openat2 and with the component walk that older kernels get.</summary>
public sealed class ConfinedFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("igt-confined-").FullName;
    private readonly string _root;
    private readonly string _hostSecret;

    public ConfinedFileTests()
    {
        _root = Path.Combine(_dir, "root");
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        Directory.CreateDirectory(Path.Combine(_root, "usr/share"));
        _hostSecret = Path.Combine(_dir, "host-secret");
        File.WriteAllText(_hostSecret, "hostsecret:x:4243:4243::/:/bin/sh\n");
        File.WriteAllText(Path.Combine(_root, "usr/share/passwd"), "inside:x:7:7::/:/bin/sh\n");
    }

    public void Dispose()
    {
        ConfinedFile.ForceComponentWalk = false;
        Directory.Delete(_dir, recursive: true);
    }

    private string Passwd => Path.Combine(_root, "etc/passwd");

    private string? Read(bool walk, out string? problem)
    {
        ConfinedFile.ForceComponentWalk = walk;
        var bytes = ConfinedFile.ReadAll(_root, "/etc/passwd", 1 << 20, out problem);
        return bytes is null ? null : Encoding.UTF8.GetString(bytes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_a_regular_file(bool walk)
    {
        File.WriteAllText(Passwd, "root:x:0:0::/:/bin/sh\n");

        Assert.Equal("root:x:0:0::/:/bin/sh\n", Read(walk, out var problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData(false, "/usr/share/passwd")]
    [InlineData(true, "/usr/share/passwd")]
    [InlineData(false, "../usr/./share//passwd")]
    [InlineData(true, "../usr/./share//passwd")]
    [InlineData(false, "../../../../usr/share/passwd")]
    [InlineData(true, "../../../../usr/share/passwd")]
    public void Follows_symlinks_inside_the_root(bool walk, string target)
    {
        File.CreateSymbolicLink(Passwd, target);

        Assert.Equal("inside:x:7:7::/:/bin/sh\n", Read(walk, out _));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void An_absolute_or_climbing_symlink_to_a_host_file_stays_inside_the_root(bool walk, bool relative)
    {
        // The host file exists at that path on the host, not in the root: nothing is read.
        File.CreateSymbolicLink(Passwd, relative ? Path.GetRelativePath(Path.Combine(_root, "etc"), _hostSecret) : _hostSecret);

        Assert.Null(Read(walk, out var problem));
        Assert.NotNull(problem);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_symlink_loop_is_refused(bool walk)
    {
        File.CreateSymbolicLink(Passwd, "/etc/passwd2");
        File.CreateSymbolicLink(Passwd + "2", "/etc/passwd");

        Assert.Null(Read(walk, out var problem));
        Assert.Contains("loop", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_fifo_is_not_opened_and_nothing_blocks(bool walk)
    {
        using (var mkfifo = Process.Start("mkfifo", [Passwd]))
            Assert.True(mkfifo.WaitForExit(5000) && mkfifo.ExitCode == 0);
        var clock = Stopwatch.StartNew();

        Assert.Null(Read(walk, out var problem));
        Assert.Equal("not a regular file", problem);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_device_is_not_opened(bool walk)
    {
        // The host's root stands for a container's here: its /dev/zero is a device.
        ConfinedFile.ForceComponentWalk = walk;

        Assert.Null(ConfinedFile.ReadAll("/", "/dev/zero", 1 << 20, out var problem));
        Assert.Equal("not a regular file", problem);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_huge_sparse_file_is_refused_without_reading_it(bool walk)
    {
        using (var file = File.OpenHandle(Passwd, FileMode.Create, FileAccess.Write))
            RandomAccess.SetLength(file, 1L << 30);
        var before = GC.GetAllocatedBytesForCurrentThread();

        Assert.Null(Read(walk, out var problem));
        Assert.Equal($"larger than {1 << 20} bytes", problem);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_directory_is_not_a_file(bool walk)
    {
        Directory.CreateDirectory(Passwd);

        Assert.Null(Read(walk, out var problem));
        Assert.NotNull(problem);
    }

    [Fact]
    public void A_file_given_by_its_path_must_be_regular()
    {
        Assert.NotNull(ConfinedFile.OpenRegular(_hostSecret, 1 << 20, out _));
        Assert.Null(ConfinedFile.OpenRegular("/dev/zero", 1 << 20, out var problem));
        Assert.Equal("not a regular file", problem);
    }
}
