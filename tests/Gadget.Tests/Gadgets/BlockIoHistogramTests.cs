using System.Text;
using Gadget.Gadgets.Profile.BlockIo;

namespace Gadget.Tests.Gadgets;

/// <summary>profile block-io's histogram: slots to the reference's intervals, and the text the
/// reference (and biolatency) draw from them.</summary>
public class BlockIoHistogramTests
{
    private static string Text(params uint[] slots)
    {
        var text = new StringBuilder();
        Log2Histogram.Write(Log2Histogram.FromSlots(slots), Log2Histogram.Microseconds, text);
        return text.ToString();
    }

    [Fact]
    public void Slots_become_power_of_two_intervals_from_zero_up_to_the_last_counted_one()
    {
        Assert.Equal(
            [new(0, 0, 1), new(888, 2, 3), new(0, 4, 7), new(111, 8, 15)],
            Log2Histogram.FromSlots([0, 888, 0, 111, 0, 0, 0]));
    }

    [Fact]
    public void No_slots_are_no_intervals_and_no_text()
    {
        Assert.Empty(Log2Histogram.FromSlots([]));
        Assert.Equal("", Text());
    }

    [Fact]
    public void Slots_that_counted_nothing_keep_the_first_interval_as_the_reference_does()
    {
        Assert.Equal([new HistogramInterval(0, 0, 1)], Log2Histogram.FromSlots(new uint[27]));
    }

    [Fact]
    public void The_last_of_27_slots_ends_at_2_to_the_27_minus_1()
    {
        var slots = new uint[27];
        slots[26] = 5;
        var last = Log2Histogram.FromSlots(slots)[^1];
        Assert.Equal(new HistogramInterval(5, 1UL << 26, (1UL << 27) - 1), last);
    }

    [Fact]
    public void The_text_is_the_reference_one_character_for_character()
    {
        Assert.Equal(
            "        µs               : count    distribution\n" +
            "         0 -> 1          : 1        |*************                           |\n" +
            "         2 -> 3          : 0        |                                        |\n" +
            "         4 -> 7          : 3        |****************************************|\n",
            Text(1, 0, 3));
    }

    [Fact]
    public void Equal_counts_draw_equal_full_bars()
    {
        Assert.Equal(
            "        µs               : count    distribution\n" +
            "         0 -> 1          : 100      |****************************************|\n" +
            "         2 -> 3          : 0        |                                        |\n" +
            "         4 -> 7          : 100      |****************************************|\n",
            Text(100, 0, 100));
    }

    [Fact]
    public void Wide_numbers_push_the_columns_as_printf_does()
    {
        var slots = new uint[22];
        slots[21] = 123456789;
        var lines = Text(slots).Split('\n');
        Assert.Equal("   2097152 -> 4194303    : 123456789 |****************************************|", lines[^2]);
    }

    [Theory]
    [InlineData(0UL, 64UL, 4, "    ")]
    [InlineData(15UL, 64UL, 4, "    ")]
    [InlineData(16UL, 64UL, 4, "*   ")]
    [InlineData(63UL, 64UL, 4, "*** ")]
    [InlineData(64UL, 64UL, 4, "****")]
    [InlineData(38UL, 64UL, 5, "**   ")]
    [InlineData(39UL, 64UL, 5, "***  ")]
    [InlineData(5UL, 0UL, 3, "   ")]
    [InlineData(ulong.MaxValue, ulong.MaxValue, 40, "****************************************")]
    public void Bars_round_down_to_whole_stars(ulong value, ulong max, int width, string expected)
    {
        var text = new StringBuilder();
        Log2Histogram.AppendStars(value, max, width, text);
        Assert.Equal(expected, text.ToString());
    }

    [Theory]
    [InlineData(0u, "Read")]
    [InlineData(RequestFlags.Write, "Write")]
    [InlineData(RequestFlags.Write | RequestFlags.Sync, "Sync-Write")]
    [InlineData(RequestFlags.Write | RequestFlags.Sync | RequestFlags.Idle, "Idle-Sync-Write")]
    [InlineData(RequestFlags.Write | RequestFlags.Fua | RequestFlags.Meta | RequestFlags.Sync, "FUA-Metadata-Sync-Write")]
    [InlineData(2u, "Flush")]
    [InlineData(13u, "DrvOut")]
    [InlineData(14u, "Unknown")]
    [InlineData(255u | RequestFlags.Sync, "Sync-Unknown")]
    public void Request_flags_are_named_as_biolatency_names_them(uint encoded, string name)
    {
        Assert.Equal(name, RequestFlags.Name(encoded));
    }
}
