using Gadget.Output;
using Gadget.Runtime;

namespace Gadget.Tests.Output;

public class SummaryLineTests
{
    [Theory]
    [InlineData(1234ul, 0ul, 0ul, "ig: 1234 events, 0 lost")]
    [InlineData(0ul, 0ul, 0ul, "ig: 0 events, 0 lost")]
    [InlineData(1ul, 0ul, 0ul, "ig: 1 event, 0 lost")]
    [InlineData(90ul, 10ul, 0ul, "ig: 90 events, 10 lost (the ring buffer was full; a larger --ring-size may help)")]
    [InlineData(5ul, 0ul, 2ul, "ig: 5 events, 0 lost, 2 malformed")]
    public void States_events_and_lost_always(ulong events, ulong lost, ulong malformed, string expected) =>
        Assert.Equal(expected, SummaryLine.Format(new RunSummary(events, lost, TimeSpan.Zero) { Malformed = malformed }));
}
