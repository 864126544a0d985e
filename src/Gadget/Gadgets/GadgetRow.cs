namespace Gadget.Gadgets;

/// <summary>One row of a frame (a table entry, a stack, a histogram): the process it belongs to
/// in the same header as a ring buffer record, so the common and process fields read both.
/// Gadgets derive their rows from it.</summary>
public class GadgetRow
{
    /// <summary>When (boot clock), which mount namespace, and which process.</summary>
    public EventHeader Header;
}
