using Gadget.Native;
using Gadget.Gadgets;
using Gadget.IntegrationTests.Infrastructure;
using Gadget.Runtime;

namespace Gadget.IntegrationTests.Bpf;

/// <summary>libbpf's own log reaches the --verbose writer, and a failed load shows it once.</summary>
public sealed class LibbpfLogTests : IDisposable
{
    private readonly BpfObject _bpf;
    private readonly StringWriter _verbose = new();

    public LibbpfLogTests()
    {
        using var stream = typeof(LibbpfLogTests).Assembly.GetManifestResourceStream("bpf/binding_test.bpf.o")!;
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        _bpf = BpfObject.Open(bytes, "igt_log");
    }

    public void Dispose()
    {
        // The log is process-wide: leave it going nowhere, as the tests found it.
        LibbpfLog.Configure(null);
        _bpf.Dispose();
    }

    private string[] VerboseLines => _verbose.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void A_failed_attach_sends_libbpf_lines_to_the_writer()
    {
        Requires.Root();
        LibbpfLog.Configure(_verbose);
        _bpf.Load();

        var error = Assert.Throws<LibbpfException>(() => _bpf.Program("on_getcwd").AttachTracepoint("syscalls", "sys_enter_igt_no_such_call"));

        // libbpf says which tracepoint it could not find, in its own words, through our writer.
        Assert.Contains(VerboseLines, l => l.StartsWith("libbpf: ", StringComparison.Ordinal) && l.Contains("sys_enter_igt_no_such_call", StringComparison.Ordinal));
        Assert.Contains("sys_enter_igt_no_such_call", error.LibbpfLog, StringComparison.Ordinal);
    }

    [Fact]
    public void Once_the_writer_is_removed_libbpf_lines_go_nowhere()
    {
        Requires.Root();
        LibbpfLog.Configure(_verbose);
        LibbpfLog.Configure(null);
        _bpf.Load();

        var error = Assert.Throws<LibbpfException>(() => _bpf.Program("on_getcwd").AttachTracepoint("syscalls", "sys_enter_igt_no_such_call"));

        Assert.Empty(_verbose.ToString());
        Assert.NotNull(error.LibbpfLog); // still kept for the exception
    }

    [Fact]
    public void A_failed_load_shows_libbpf_log_once_when_it_goes_to_the_verbose_writer()
    {
        Requires.Root();
        LibbpfLog.Configure(_verbose);

        var error = FailLoad(new RunOptions { Verbose = _verbose });

        Assert.DoesNotContain("--verbose", error.Message, StringComparison.Ordinal);
        Assert.Single(VerboseLines, l => l.Contains("map 'hits': failed to create", StringComparison.Ordinal));
        Assert.StartsWith("libbpf: ", VerboseLines.Single(l => l.Contains("map 'hits': failed to create", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_load_shows_libbpf_log_on_the_verbose_writer_when_it_goes_nowhere_else()
    {
        Requires.Root();

        FailLoad(new RunOptions { Verbose = _verbose });

        Assert.Single(VerboseLines, l => l.Contains("map 'hits': failed to create", StringComparison.Ordinal));
    }

    /// <summary>Loads the test object with a map the kernel refuses (an array of no entries).</summary>
    private GadgetException FailLoad(RunOptions options)
    {
        _bpf.Map("hits").MaxEntries = 0;
        var exec = GadgetCatalog.Find("trace", "exec")!;
        return Assert.Throws<GadgetException>(() => LoadedRun.LoadObject(exec, _bpf, options.Verbose));
    }
}
