using System.Globalization;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Top;

/// <summary>A disk of a test's own: a loop device over a file, formatted ext4 and mounted, so
/// that the block I/O on it is the test's alone and can be counted exactly. The loop device
/// itself is a real blk-mq disk: requests on it go through the block layer's tracepoints like
/// those of any disk. Unmounted and detached on dispose.</summary>
internal sealed class LoopDisk : IDisposable
{
    public const int BlockSize = 4096;

    private readonly string _directory;
    private bool _mounted;

    private LoopDisk(string directory, string device)
    {
        _directory = directory;
        Device = device;
        Name = Path.GetFileName(device);
        // "7:3\n"
        var numbers = File.ReadAllText($"/sys/class/block/{Name}/dev").Trim().Split(':');
        Major = int.Parse(numbers[0], CultureInfo.InvariantCulture);
        Minor = int.Parse(numbers[1], CultureInfo.InvariantCulture);
        MountPoint = Path.Combine(directory, "mnt");
    }

    /// <summary>/dev/loopN.</summary>
    public string Device { get; }

    /// <summary>The kernel's name of the disk, loopN.</summary>
    public string Name { get; }

    public int Major { get; }

    public int Minor { get; }

    /// <summary>Where the disk's file system is mounted on the host (bind it into containers).</summary>
    public string MountPoint { get; }

    public static LoopDisk Create(int megabytes = 64)
    {
        var directory = Paths.NewTempDirectory();
        var image = Path.Combine(directory, "disk.img");
        LoopDisk? disk = null;
        try
        {
            using (var file = File.Create(image))
                file.SetLength(megabytes * 1024L * 1024);
            var device = Shell.Run("losetup", "--find", "--show", image).Trim();
            disk = new LoopDisk(directory, device);
            Shell.Run("mkfs.ext4", "-q", "-F", "-b", BlockSize.ToString(CultureInfo.InvariantCulture), device);
            Directory.CreateDirectory(disk.MountPoint);
            Shell.Run("mount", device, disk.MountPoint);
            disk._mounted = true;
            return disk;
        }
        catch
        {
            if (disk is not null)
                disk.Dispose();
            else
                Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>Makes a file of <paramref name="blocks"/> blocks that is allocated and written
    /// through to the disk, so that direct I/O on it later is one request per block and nothing
    /// else (no allocation, no journal in the writer's context).</summary>
    public string CreateFile(string name, int blocks)
    {
        var path = Path.Combine(MountPoint, name);
        Shell.Run("dd", "if=/dev/zero", $"of={path}", $"bs={BlockSize}", $"count={blocks}", "conv=fsync", "status=none");
        Shell.Run("sync", "-f", path);
        return path;
    }

    public void Dispose()
    {
        if (_mounted)
        {
            // A container that had it bound may let go of it a moment after it is removed.
            for (var i = 0; ; i++)
            {
                var result = Shell.TryRun("umount", null, TimeSpan.FromSeconds(30), MountPoint);
                if (result.ExitCode == 0 || i == 50)
                    break;
                Thread.Sleep(100);
            }
        }
        Shell.TryRun("losetup", null, TimeSpan.FromSeconds(30), "-d", Device);
        Directory.Delete(_directory, recursive: true);
    }
}
