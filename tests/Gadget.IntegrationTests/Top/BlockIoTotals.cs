using System.Text.Json;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Top;

/// <summary>What top block-io showed for some rows, over all the frames so far: a workload's
/// requests may fall in two intervals.</summary>
internal sealed record BlockIoTotals(long Ops, long Bytes, long MicroSecs, List<JsonElement> Rows)
{
    public static BlockIoTotals Of(RunningGadget session, Func<JsonElement, bool> row)
    {
        var rows = session.Frames.SelectMany(f => f.EnumerateArray()).Where(row).ToList();
        return new BlockIoTotals(rows.Sum(r => r.Num("ops")), rows.Sum(r => r.Num("bytes")), rows.Sum(r => r.Num("us")), rows);
    }

    /// <summary>Waits until the rows add up to <paramref name="ops"/> requests, then for one more
    /// frame: any request beyond them (there must be none) would have completed before it.</summary>
    public static BlockIoTotals WaitFor(RunningGadget session, Func<JsonElement, bool> row, long ops, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (Of(session, row).Ops < ops)
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"{Of(session, row).Ops} of {ops} requests {what} after {timeout ?? TimeSpan.FromSeconds(20)}, in {session.Frames.Count} frames");
            Thread.Sleep(50);
        }
        var frames = session.Frames.Count;
        Poll.Until(() => session.Frames.Count > frames, "one more frame");
        return Of(session, row);
    }

    /// <summary>A row of the disk, in the direction asked.</summary>
    public static Func<JsonElement, bool> OnDisk(LoopDisk disk, bool write) => r =>
        r.Num("major") == disk.Major && r.Num("minor") == disk.Minor && IsWrite(r) == write;

    /// <summary>The reference's "write": true for writes, left out for reads.</summary>
    public static bool IsWrite(JsonElement row) => row.TryGetProperty("write", out var w) && w.GetBoolean();
}
