namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>The images ./test builds offline from busybox-static (scripts/runtimes.sh).</summary>
internal static class TestImages
{
    public const string Busybox = "docker.io/igtest/busybox:1";
    public const string Pause = "docker.io/igtest/pause:1";
}
