using System.Text;
using Gadget.Agent.Protocol;

namespace Gadget.Agent.Server;

/// <summary>The run's standard error, on the node: each line written becomes a Warning reply
/// (or a verbose detail), which the client prints on its own standard error. Discovery and the
/// gadget write from their own threads, so writes are serialized.</summary>
internal sealed class WarningWriter : TextWriter
{
    private readonly ReplyQueue _replies;
    private readonly bool _verbose;
    private readonly StringBuilder _line = new();
    private readonly Lock _gate = new();

    public WarningWriter(ReplyQueue replies, bool verbose)
    {
        _replies = replies;
        _verbose = verbose;
    }

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_gate)
        {
            if (value == '\n')
                SendLine();
            else
                _line.Append(value);
        }
    }

    public override void Write(string? value)
    {
        if (value is null)
            return;
        lock (_gate)
            Append(value);
    }

    public override void WriteLine(string? value)
    {
        lock (_gate)
        {
            Append(value ?? "");
            SendLine();
        }
    }

    public override void Flush()
    {
        lock (_gate)
        {
            if (_line.Length > 0)
                SendLine();
        }
    }

    private void Append(string value)
    {
        foreach (var c in value)
        {
            if (c == '\n')
                SendLine();
            else
                _line.Append(c);
        }
    }

    private void SendLine()
    {
        var text = _line.ToString().TrimEnd('\r');
        _line.Clear();
        _replies.Send(new RunReply { Warning = new Warning { Text = text, Verbose = _verbose } });
    }
}
