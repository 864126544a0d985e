using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Gadget.Native;

/// <summary>Receives libbpf's own log and routes it: to a writer when verbose, and into a
/// short buffer of recent warnings that a failing call attaches to its exception.</summary>
public static unsafe class LibbpfLog
{
    private const int LevelWarn = 0;
    private const int LevelDebug = 2;
    private const int MaxKeptChars = 64 * 1024;

    private static readonly Lock Gate = new();
    private static readonly StringBuilder RecentWarnings = new();
    private static TextWriter? _verboseWriter;
    private static bool _installed;

    /// <summary>Where libbpf's info and warnings go (null: nowhere). Debug output also goes there when <paramref name="debug"/>.</summary>
    public static void Configure(TextWriter? verboseWriter, bool debug = false)
    {
        lock (Gate)
        {
            _verboseWriter = verboseWriter;
            _debug = debug;
            Install();
        }
    }

    private static bool _debug;
    private const nuint FormatBufferSize = 4 * 1024 * 1024;
    private static byte* _formatBuffer;

    // libbpf logs from the thread that called it, so a thread-local depth silences one caller only.
    [ThreadStatic]
    private static int _quietDepth;

    /// <summary>True when libbpf's log already goes to <paramref name="writer"/>, so whatever
    /// libbpf logged (a verifier log) has been shown there and must not be printed again.</summary>
    public static bool IsWritingTo(TextWriter writer)
    {
        lock (Gate)
            return ReferenceEquals(_verboseWriter, writer);
    }

    /// <summary>Until disposed, drops what libbpf logs on this thread: for probes, whose
    /// failures are answers rather than errors.</summary>
    internal static QuietScope Quiet()
    {
        _quietDepth++;
        return new QuietScope();
    }

    internal readonly struct QuietScope : IDisposable
    {
        public void Dispose() => _quietDepth--;
    }

    internal static void Install()
    {
        lock (Gate)
        {
            if (_installed)
                return;
            Interop.Libbpf.libbpf_set_print(&Print);
            _installed = true;
        }
    }

    /// <summary>Returns and forgets the warnings logged since the last call.</summary>
    internal static string? TakeRecentWarnings()
    {
        lock (Gate)
        {
            if (RecentWarnings.Length == 0)
                return null;
            var text = RecentWarnings.ToString().TrimEnd();
            RecentWarnings.Clear();
            return text;
        }
    }

    internal static void ClearRecentWarnings()
    {
        lock (Gate)
            RecentWarnings.Clear();
    }

    [UnmanagedCallersOnly]
    private static int Print(int level, byte* format, IntPtr args)
    {
        try
        {
            if ((level == LevelDebug && !_debug) || _quietDepth > 0)
                return 0;
            lock (Gate)
            {
                // A va_list can be formatted only once: the buffer must fit a whole verifier log.
                if (_formatBuffer == null)
                    _formatBuffer = (byte*)NativeMemory.Alloc(FormatBufferSize);
                var length = Interop.Libc.vsnprintf(_formatBuffer, FormatBufferSize, format, args);
                if (length < 0)
                    return 0;
                var text = Encoding.UTF8.GetString(_formatBuffer, (int)Math.Min((nuint)length, FormatBufferSize - 1));
                if (level == LevelWarn)
                {
                    // The end of a verifier log says what went wrong: keep the tail.
                    RecentWarnings.Append(text);
                    if (RecentWarnings.Length > MaxKeptChars)
                        RecentWarnings.Remove(0, RecentWarnings.Length - MaxKeptChars);
                }
                _verboseWriter?.Write("libbpf: " + text);
            }
        }
        catch (Exception)
        {
            // Nothing may escape into native code.
        }
        return 0;
    }
}
