using Gadget.Gadgets;

namespace Gadget.Tests.Gadgets.Model;

/// <summary>Frames: rows sorted by --sort keys (by value, stable), cut to --max-rows; and the
/// parameters that every interval gadget has.</summary>
public class FrameTests
{
    private static readonly CountingGadget Gadget = new();

    private static Frame FrameOf(params GadgetRow[] rows)
    {
        var frame = new Frame(null, 0);
        foreach (var row in rows)
            frame.Add(row);
        return frame;
    }

    private static List<uint> Pids(Frame frame) => Enumerable.Range(0, frame.Count).Select(i => frame.Row(i).Header.Pid).ToList();

    [Fact]
    public void The_default_sort_orders_by_count_descending_then_by_name()
    {
        var frame = FrameOf(CountingGadget.Row(1, "b", 5), CountingGadget.Row(2, "a", 5), CountingGadget.Row(3, "z", 9), CountingGadget.Row(4, "c", 1));

        frame.Sort(Gadget.SortOrder(new ParameterValues(Gadget.Parameters)));

        Assert.Equal([3u, 2u, 1u, 4u], Pids(frame));
    }

    [Fact]
    public void Numbers_sort_as_numbers_and_text_columns_by_their_value()
    {
        // 10 KiB sorts after 9 KiB, whatever the text "10KiB" < "9KiB" says.
        var frame = FrameOf(CountingGadget.Row(1, "x", 0, bytes: 10 * 1024), CountingGadget.Row(2, "y", 0, bytes: 9 * 1024), CountingGadget.Row(3, "z", 0, bytes: 100));

        frame.Sort(SortOrder.Parse("bytes", Gadget.Schema));
        Assert.Equal([3u, 2u, 1u], Pids(frame));
        frame.Sort(SortOrder.Parse("-pid", Gadget.Schema));
        Assert.Equal([3u, 2u, 1u], Pids(frame));
        frame.Sort(SortOrder.Parse("pid", Gadget.Schema));
        Assert.Equal([1u, 2u, 3u], Pids(frame));
    }

    [Fact]
    public void Equal_rows_keep_the_order_they_came_in()
    {
        var frame = FrameOf(CountingGadget.Row(7, "same", 1), CountingGadget.Row(3, "same", 1), CountingGadget.Row(5, "same", 1));

        frame.Sort(SortOrder.Parse("comm,count", Gadget.Schema));

        Assert.Equal([7u, 3u, 5u], Pids(frame));
    }

    [Fact]
    public void Truncating_keeps_the_first_rows_and_remembers_how_many_there_were()
    {
        var frame = FrameOf(CountingGadget.Row(1, "a", 1), CountingGadget.Row(2, "b", 2), CountingGadget.Row(3, "c", 3));

        frame.Truncate(2);
        Assert.Equal([1u, 2u], Pids(frame));
        Assert.Equal(3, frame.TotalRows);
        frame.Truncate(0);
        Assert.Equal(2, frame.Count);
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("-count,nope")]
    public void An_unknown_sort_column_is_one_error_naming_the_sortable_ones(string sort)
    {
        var values = new ParameterValues(Gadget.Parameters, [new(FrameParameters.Sort, sort)]);

        var error = Assert.Throws<GadgetException>(() => Gadget.Validate(values));

        Assert.Contains("invalid --sort \"nope\"", error.Message);
        Assert.Contains("count", error.Message);
    }

    [Fact]
    public void Interval_gadgets_have_interval_max_rows_and_sort_with_the_defaults()
    {
        var values = new ParameterValues(Gadget.Parameters);

        Assert.Equal(1u, values.GetUInt(FrameParameters.Interval));
        Assert.Equal(20u, values.GetUInt(FrameParameters.MaxRows));
        Assert.Equal("-count,comm", values.GetString(FrameParameters.Sort));
        Assert.Equal('m', Gadget.Parameters.Single(p => p.Key == FrameParameters.MaxRows).Alias);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("86401")]
    public void An_interval_out_of_range_is_refused(string seconds)
    {
        var error = Assert.Throws<GadgetException>(() => new ParameterValues(Gadget.Parameters, [new(FrameParameters.Interval, seconds)]));

        Assert.Contains("--interval", error.Message);
    }
}
