using System.Collections.Concurrent;
using System.Diagnostics;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>A process a test keeps running (a server, a client waiting for its cue), its output
/// collected line by line. Disposing kills it and what it started.</summary>
internal sealed class BackgroundProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _errors = new();

    private BackgroundProcess(Process process, string description)
    {
        _process = process;
        Description = description;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _errors.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Description { get; }

    public int Pid => _process.Id;

    public IReadOnlyCollection<string> Lines => _lines;

    public string ErrorText => string.Join('\n', _errors);

    public bool HasExited => _process.HasExited;

    public static BackgroundProcess Start(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        return new BackgroundProcess(Process.Start(start)!, $"{file} {string.Join(' ', args)}");
    }

    /// <summary>Waits for a line on stdout or stderr that matches.</summary>
    public string WaitForLine(Func<string, bool> match, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            var line = _lines.Concat(_errors).FirstOrDefault(match);
            if (line is not null)
                return line;
            if (_process.HasExited && !_lines.Concat(_errors).Any(match))
                break;
            Thread.Sleep(20);
        }
        throw new TimeoutException($"{Description} printed no line {what}; stdout: [{string.Join(" | ", _lines.Take(20))}] stderr: [{ErrorText}]");
    }

    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
            return false;
        _process.WaitForExit(); // drain the output readers
        return true;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }
}
