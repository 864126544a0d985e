using System.Globalization;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>Mount namespace ids, which is what events are attributed by.</summary>
internal static class MountNamespace
{
    /// <summary>The mount namespace of a process (from /proc/&lt;pid&gt;/ns/mnt: "mnt:[4026531841]").</summary>
    public static ulong Of(int pid) => Parse(File.ResolveLinkTarget($"/proc/{pid}/ns/mnt", returnFinalTarget: false)!.ToString());

    public static ulong Own => Of(Environment.ProcessId);

    /// <summary>The id in "mnt:[4026531841]" (what readlink prints).</summary>
    public static ulong Parse(string link)
    {
        var text = link.Trim();
        return ulong.Parse(text[(text.IndexOf('[') + 1)..^1], CultureInfo.InvariantCulture);
    }
}
