using System.Text.Json;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Top;

/// <summary>Reading a top gadget's frames so that counts are exact: what a workload did before a
/// moment is in the frames up to two after the last one written by then.</summary>
internal static class TopFrames
{
    /// <summary>Every frame that can hold what happened before this call. When it is called, the
    /// next frame may be being collected already (its maps swapped before the call, written
    /// after): what came between its swap and the call lands in the one after. That one's swap
    /// follows the writing of the next, so two more frames cover everything; no sleep, no
    /// tolerance.</summary>
    public static IReadOnlyList<JsonElement> Through(RunningGadget session)
    {
        var seen = session.Frames.Count;
        Poll.Until(() => session.Frames.Count >= seen + 2, $"two more frames of {session.Gadget.FullName} after the {seen} so far", TimeSpan.FromSeconds(30));
        return session.Frames;
    }

    /// <summary>The rows of all the frames that match.</summary>
    public static List<JsonElement> Rows(IEnumerable<JsonElement> frames, Func<JsonElement, bool> match) =>
        frames.SelectMany(f => f.EnumerateArray()).Where(match).ToList();

    /// <summary>A number of a row, 0 when left out (the reference's omitempty).</summary>
    public static ulong Count(this JsonElement row, string name) =>
        row.TryGetProperty(name, out var value) ? value.GetUInt64() : 0;

    /// <summary>The sum of a number over rows.</summary>
    public static ulong Sum(this IEnumerable<JsonElement> rows, string name) =>
        rows.Aggregate(0UL, (sum, row) => sum + row.Count(name));
}
