using System.Text.Json;
using Gadget.Containers;
using Gadget.Gadgets.Profile.Cpu;
using Gadget.IntegrationTests.Infrastructure;
using Gadget.Runtime;

namespace Gadget.IntegrationTests.Profile;

/// <summary>profile cpu against the real kernel: a CPU burner in a Docker container, a ctr
/// container and a CRI pod, each from the container's own copy of the binary, sampled for a
/// few seconds; its stacks must be named through the container's files.</summary>
public sealed class ProfileCpuTests : IDisposable
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(3);

    public void Dispose()
    {
        if (Gadget.Native.Privileges.IsRoot)
            KernelObjects.AssertNoneLoaded();
    }

    /// <summary>Profiles the container for <see cref="Duration"/> and returns the report's rows.</summary>
    internal static List<JsonElement> Profile(BurningContainer container, params (string Key, string Value)[] parameters)
    {
        var gadget = new CpuGadget();
        using var session = RunningGadget.StartWithContainers(gadget, new ContainerSelector { ContainerName = container.Name },
            new RunOptions { Parameters = RunningGadget.Parameters(gadget, parameters), Timeout = Duration });
        session.WaitForEnd(Duration + TimeSpan.FromSeconds(30));
        return [.. session.Records.SelectMany(r => r.ValueKind == JsonValueKind.Array ? r.EnumerateArray().ToArray() : new[] { r }).Where(r => r.TryGetProperty("count", out _))];
    }

    private static bool HasInOrder(string[] frames, params string[] run)
    {
        for (var i = 0; i + run.Length <= frames.Length; i++)
        {
            if (frames.AsSpan(i, run.Length).SequenceEqual(run))
                return true;
        }
        return false;
    }

    [Theory]
    [InlineData("docker")]
    [InlineData("containerd")]
    [InlineData("cri")]
    public void User_stacks_name_the_burners_functions_in_order(string runtime)
    {
        Requires.Root();
        using var container = BurningContainer.Start(runtime, "user");

        var rows = Profile(container);

        var burner = rows.Where(r => r.Str("comm") == CpuBurner.Comm).ToList();
        Assert.NotEmpty(burner);
        Assert.All(burner, r => Assert.Equal(container.Pid, r.Num("pid")));
        var total = burner.Sum(r => r.Num("count"));
        var hot = burner.Where(r => r.Strings("userStack") is [ "hot_inner", ..]).ToList();
        // Leaf first: the hot function, its caller, and main.
        Assert.Contains(hot, r => HasInOrder(r.Strings("userStack"), "hot_inner", "outer_loop", "main"));
        // Nearly all the burner's time is in hot_inner (a sample in outer_loop itself, or in a
        // function's prologue, is the rare exception).
        Assert.True(hot.Sum(r => r.Num("count")) * 10 >= total * 9, $"hot_inner has {hot.Sum(r => r.Num("count"))} of {total} samples: {string.Join("; ", burner)}");
        Assert.All(burner, r => Assert.False(r.TryGetProperty("kernelStack", out var k) && k.GetArrayLength() > 0 && r.Strings("userStack").Length == 0));
    }

    [Fact]
    public void Kernel_stacks_show_the_system_call_under_its_user_stack()
    {
        Requires.Root();
        using var container = BurningContainer.Start("docker", "kernel");

        var rows = Profile(container).Where(r => r.Str("comm") == CpuBurner.Comm).ToList();

        var reads = rows.Where(r => HasInOrder(r.Strings("kernelStack"), "vfs_read", "ksys_read")).ToList();
        Assert.True(reads.Count > 0, string.Join("; ", rows));
        // The same samples have the user side of the call: read(2) made from main.
        Assert.Contains(reads, r => r.Strings("userStack").Contains("main"));
        Assert.All(rows, r => Assert.Equal(container.Pid, r.Num("pid")));
    }

    [Fact]
    public void Kernel_stack_option_leaves_user_stacks_out()
    {
        Requires.Root();
        using var container = BurningContainer.Start("docker", "kernel");

        var rows = Profile(container, (CpuGadget.KernelStackParameter, "true")).Where(r => r.Str("comm") == CpuBurner.Comm).ToList();

        Assert.Contains(rows, r => HasInOrder(r.Strings("kernelStack"), "vfs_read", "ksys_read"));
        Assert.All(rows, r => Assert.False(r.TryGetProperty("userStack", out _), r.ToString()));
    }

    [Fact]
    public void User_stack_option_leaves_kernel_stacks_out()
    {
        Requires.Root();
        using var container = BurningContainer.Start("docker", "kernel");

        var rows = Profile(container, (CpuGadget.UserStackParameter, "true")).Where(r => r.Str("comm") == CpuBurner.Comm).ToList();

        Assert.Contains(rows, r => r.Strings("userStack").Contains("main"));
        Assert.All(rows, r => Assert.False(r.TryGetProperty("kernelStack", out _), r.ToString()));
    }

    [Fact]
    public void Json_rows_carry_the_reference_fields_and_the_pod()
    {
        Requires.Root();
        using var container = BurningContainer.Start("cri", "user");
        var mntns = long.Parse(new string(new FileInfo($"/proc/{container.Pid}/ns/mnt").LinkTarget!.Where(char.IsDigit).ToArray()), System.Globalization.CultureInfo.InvariantCulture);

        var row = Profile(container).Where(r => r.Str("comm") == CpuBurner.Comm).MaxBy(r => r.Num("count"));

        Assert.Equal(container.Pid, row.Num("pid"));
        Assert.True(row.Num("count") > 0);
        Assert.Equal("hot_inner", row.Strings("userStack")[0]);
        Assert.Equal(container.Pod!.Name, row.Str("k8s", "podName"));
        Assert.Equal(container.Pod.Namespace, row.Str("k8s", "namespace"));
        Assert.Equal("burner", row.Str("k8s", "containerName"));
        Assert.Equal("burner", row.Str("runtime", "containerName"));
        Assert.Equal(mntns, row.Num("mountnsid"));
        // A stack sampled in user mode has no kernel part: the field is left out, as the reference's omitempty does.
        Assert.False(row.TryGetProperty("kernelStack", out _));
    }
}
