namespace Gadget.Gadgets;

/// <summary>The parameters that frame gadgets share, named as the reference names them.</summary>
public static class FrameParameters
{
    public const string Interval = "interval";
    public const string MaxRows = "max-rows";
    public const string Sort = "sort";

    public const int DefaultMaxRows = 20;

    internal static GadgetParameter IntervalParameter() =>
        new(Interval, "Interval (in seconds)", ParameterKind.UInt, DefaultValue: "1")
        {
            Validator = static text => uint.TryParse(text, out var seconds) && seconds is > 0 and <= 86400 ? null : "whole seconds from 1 to 86400",
        };

    internal static GadgetParameter MaxRowsParameter() =>
        new(MaxRows, "Maximum number of rows to return", ParameterKind.UInt, Alias: 'm', DefaultValue: DefaultMaxRows.ToString(System.Globalization.CultureInfo.InvariantCulture));

    internal static GadgetParameter SortParameter(IReadOnlyList<string> defaultSort) =>
        new(Sort, "Sort by columns. Join multiple columns with ','. Prefix a column with '-' to sort in descending order.", ParameterKind.String, DefaultValue: string.Join(',', defaultSort));
}

/// <summary>A gadget whose rows can be sorted (--sort); its kind's base classes derive from it.</summary>
public abstract class SortableGadget : GadgetDefinition
{
    /// <summary>The reference's default --sort keys, e.g. ["-reads", "-writes"].</summary>
    public virtual IReadOnlyList<string> DefaultSort => [];

    /// <summary>The --sort keys of a run.</summary>
    public SortOrder SortOrder(ParameterValues parameters) => Gadgets.SortOrder.Parse(parameters.GetString(FrameParameters.Sort), Schema);

    public override void Validate(ParameterValues parameters)
    {
        SortOrder(parameters);
        ValidateOwn(parameters);
    }

    /// <summary>The gadget's own checks of its parameters, besides those of its kind.</summary>
    protected virtual void ValidateOwn(ParameterValues parameters) { }
}

/// <summary>A top gadget: a table every interval from kernel maps that each interval resets,
/// sorted and cut to --max-rows.</summary>
public abstract class IntervalGadget : SortableGadget
{
    public sealed override GadgetKind Kind => GadgetKind.Interval;

    private protected override IReadOnlyList<GadgetParameter> KindParameters =>
        [FrameParameters.IntervalParameter(), FrameParameters.MaxRowsParameter(), FrameParameters.SortParameter(DefaultSort)];
}

/// <summary>A snapshot gadget: one sorted table of what is there now, then the run ends.</summary>
public abstract class SnapshotGadget : SortableGadget
{
    public sealed override GadgetKind Kind => GadgetKind.OneShot;

    private protected override IReadOnlyList<GadgetParameter> KindParameters => [FrameParameters.SortParameter(DefaultSort)];
}

/// <summary>A profile gadget: gathers in the kernel until stopped (Ctrl-C, --timeout), then one report.</summary>
public abstract class ProfileGadget : GadgetDefinition
{
    public sealed override GadgetKind Kind => GadgetKind.Profile;
}
