using System.Globalization;

namespace Gadget.Gadgets.Trace.Signal;

/// <summary>Names of Linux signals on x86-64 and most architectures, both ways. Real-time
/// signals are named as kill -l and glibc number them: 34 is SIGRTMIN, 35 SIGRTMIN+1, ...,
/// 64 SIGRTMAX; 32 and 33, which glibc keeps for itself, are SIG32 and SIG33.</summary>
public static class SignalNames
{
    public const int Max = 64;
    private const int RtMin = 34;

    private static readonly string[] Standard =
    [
        "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
        "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
        "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
        "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    ];

    /// <summary>Every name from 1 to <see cref="Max"/>, built once so formatting allocates nothing.</summary>
    private static readonly byte[][] All = Enumerable.Range(0, Max + 1).Select(Build).ToArray();

    /// <summary>Other names that parse: the aliases of the C library.</summary>
    private static readonly Dictionary<string, int> Aliases = new(StringComparer.Ordinal)
    {
        ["SIGIOT"] = 6,
        ["SIGCLD"] = 17,
        ["SIGPOLL"] = 29,
    };

    /// <summary>"SIGKILL" for 9; the number for what has no name (0, or out of range).</summary>
    public static ReadOnlySpan<byte> Name(int signal, Span<byte> scratch)
    {
        if (signal > 0 && signal <= Max)
            return All[signal];
        signal.TryFormat(scratch, out var written, default, CultureInfo.InvariantCulture);
        return scratch[..written];
    }

    /// <summary>The number of "SIGKILL", "KILL", "sigkill", "9", "SIGRTMIN+2"; false when it names no signal.</summary>
    public static bool TryParse(string text, out int signal)
    {
        var trimmed = text.Trim();
        // 0 is no signal (kill -0 only checks the process): the filter's "every signal" is
        // --signal left out, not a number given.
        if (int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out signal))
            return signal is >= 1 and <= Max;
        var name = trimmed.ToUpperInvariant();
        if (!name.StartsWith("SIG", StringComparison.Ordinal))
            name = "SIG" + name;
        if (Aliases.TryGetValue(name, out signal))
            return true;
        for (signal = 1; signal <= Max; signal++)
        {
            if (System.Text.Encoding.ASCII.GetString(All[signal]) == name)
                return true;
        }
        signal = 0;
        return false;
    }

    private static byte[] Build(int signal)
    {
        string name = signal switch
        {
            0 => "",
            < 32 => Standard[signal],
            < RtMin => "SIG" + signal.ToString(CultureInfo.InvariantCulture),
            RtMin => "SIGRTMIN",
            Max => "SIGRTMAX",
            _ => "SIGRTMIN+" + (signal - RtMin).ToString(CultureInfo.InvariantCulture),
        };
        return System.Text.Encoding.ASCII.GetBytes(name);
    }
}
