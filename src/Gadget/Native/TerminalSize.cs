namespace Gadget.Native;

/// <summary>The size of the terminal a file descriptor is, as the kernel tells it (TIOCGWINSZ).</summary>
public static unsafe class TerminalSize
{
    /// <summary>True when <paramref name="fd"/> is a terminal.</summary>
    public static bool IsTerminal(int fd) => Interop.Libc.isatty(fd) == 1;

    /// <summary>Columns and rows of the terminal, or null when <paramref name="fd"/> is none
    /// (or the terminal does not say: some report 0 × 0).</summary>
    public static (int Columns, int Rows)? Of(int fd)
    {
        Interop.Libc.winsize size;
        if (Interop.Libc.ioctl_winsize(fd, Interop.Libc.TIOCGWINSZ, &size) != 0 || size.ws_col == 0 || size.ws_row == 0)
            return null;
        return (size.ws_col, size.ws_row);
    }
}
