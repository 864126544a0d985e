namespace Gadget.Output;

/// <summary>The terminal standard output is, when it is one: live tables redraw in place and fit
/// its size. Tests substitute their own.</summary>
public interface ITerminal
{
    /// <summary>Columns and rows now (read at every frame, so a resize takes effect at the next one).</summary>
    (int Columns, int Rows) Size { get; }
}
