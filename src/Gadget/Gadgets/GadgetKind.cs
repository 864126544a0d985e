namespace Gadget.Gadgets;

/// <summary>How a gadget produces its output, as the reference's gadget types do.</summary>
public enum GadgetKind
{
    /// <summary>One event per kernel occurrence, as it happens (trace).</summary>
    Stream,

    /// <summary>A sorted table every interval, from kernel maps read and reset (top).</summary>
    Interval,

    /// <summary>One sorted table, then the run ends (snapshot).</summary>
    OneShot,

    /// <summary>Collects until stopped or timed out, then one report (profile, advisors).</summary>
    Profile,
}
