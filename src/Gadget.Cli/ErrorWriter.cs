namespace Gadget.Cli;

/// <summary>Standard error that never throws: a message that cannot be written (stderr closed,
/// `2>/dev/full`) must not crash ig or stop the run whose events still reach stdout. The
/// failure is remembered, and ig then exits non-zero, since it could not say what it had to.</summary>
public sealed class ErrorWriter : TextWriter
{
    private readonly Func<TextWriter> _open;
    private readonly Lock _gate = new();
    private TextWriter? _inner;
    private volatile bool _failed;

    /// <param name="open">Gives the real writer, on first use (opening a closed stderr throws).</param>
    public ErrorWriter(Func<TextWriter> open) => _open = open;

    /// <summary>True once a write failed; nothing is written after that.</summary>
    public bool Failed => _failed;

    public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

    public override void Write(char value) => Guard(w => w.Write(value));

    public override void Write(string? value) => Guard(w => w.Write(value));

    public override void Write(char[] buffer, int index, int count) => Guard(w => w.Write(buffer, index, count));

    public override void WriteLine(string? value) => Guard(w => w.WriteLine(value));

    public override void WriteLine() => Guard(w => w.WriteLine());

    public override void Flush() => Guard(w => w.Flush());

    private void Guard(Action<TextWriter> write)
    {
        if (_failed)
            return;
        lock (_gate)
        {
            try
            {
                write(_inner ??= _open());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                _failed = true;
            }
        }
    }
}
