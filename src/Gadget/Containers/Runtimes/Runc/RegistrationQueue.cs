namespace Gadget.Containers.Runtimes.Runc;

/// <summary>Work of the runc watcher (reading runc's state, asking the runtime, registering),
/// done in order on a thread of its own: not on the thread that reads the kernel's reports,
/// which must keep reading, and not on the thread pool, which a busy start-up can starve for
/// seconds while new containers' events wait. Items may be due later.</summary>
internal sealed class RegistrationQueue : IDisposable
{
    private readonly object _gate = new();
    private readonly Queue<Action> _now = new();
    private readonly List<(long Due, Action Work)> _later = [];
    private readonly CancellationToken _stop;
    private readonly Action<Exception> _failed;
    private readonly Thread _thread;

    public RegistrationQueue(CancellationToken stop, Action<Exception> failed)
    {
        _stop = stop;
        _failed = failed;
        _thread = new Thread(Loop) { IsBackground = true, Name = "runc registrations" };
        _thread.Start();
    }

    public void Add(Action work, TimeSpan? after = null)
    {
        lock (_gate)
        {
            if (after is { } delay)
                _later.Add((Environment.TickCount64 + (long)delay.TotalMilliseconds, work));
            else
                _now.Enqueue(work);
            Monitor.PulseAll(_gate);
        }
    }

    private void Loop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Action? work = null;
            lock (_gate)
            {
                var now = Environment.TickCount64;
                var due = _later.FindIndex(l => l.Due <= now);
                if (due >= 0)
                {
                    work = _later[due].Work;
                    _later.RemoveAt(due);
                }
                else if (!_now.TryDequeue(out work))
                {
                    var wait = _later.Count == 0 ? 200 : (int)Math.Clamp(_later.Min(l => l.Due) - now, 1, 200);
                    Monitor.Wait(_gate, wait);
                    continue;
                }
            }
            try
            {
                work();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or Native.LibbpfException)
            {
                _failed(e);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
            Monitor.PulseAll(_gate);
        _thread.Join(TimeSpan.FromSeconds(2));
    }
}
