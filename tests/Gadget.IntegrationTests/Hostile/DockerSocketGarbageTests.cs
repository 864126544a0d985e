using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Hostile;

/// <summary>ig given a Docker socket that answers HTTP 200 with nonsense, or not HTTP, or nothing
/// (a <see cref="FakeDockerSocket"/> stands in for the broken dockerd): one warning line, the
/// runtime or the container skipped, the run goes on; never a crash, never a resource key.</summary>
public sealed partial class DockerSocketGarbageTests : OwningTest
{
    private readonly string _dir;

    public DockerSocketGarbageTests() => _dir = OwnTempDirectory();

    /// <summary>Answers for /containers/json, and for every inspect (/containers/ID/json).</summary>
    public static TheoryData<string, string, string, string> Garbage => new()
    {
        { "an object instead of a list", "{}", "{}", "unexpected answer to GET /containers/json: a JSON object instead of a list of containers" },
        { "a list of an empty object", "[{}]", "{}", "a listed container without a valid \"Id\"" },
        { "a null id", """[{"Id":null}]""", "{}", "a listed container without a valid \"Id\"" },
        { "an id that climbs out of a directory", """[{"Id":"../../etc"}]""", "{}", "a listed container without a valid \"Id\"" },
        { "an inspect without a state", """[{"Id":"abc"}]""", "{}", "a container described without its \"State\"" },
        { "an inspect with null fields", """[{"Id":"abc"}]""", """{"Id":null,"Name":null,"State":{"Running":true,"Pid":null},"Config":null,"HostConfig":7}""", "a running container described without a valid \"Id\" or \"Pid\"" },
        { "an inspect of the wrong types", """[{"Id":"abc"}]""", """{"Id":"abc","State":{"Running":"yes","Pid":"1"}}""", "a container described without its \"State\"" },
        { "deep nesting", new string('[', 100_000) + new string(']', 100_000), "{}", "unexpected answer to GET /containers/json: not JSON that ig can read" },
        { "deep nesting in an inspect", """[{"Id":"abc"}]""", "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 5000)) + "1" + new string('}', 5001), "unexpected answer to GET /containers/abc/json: not JSON that ig can read" },
        { "not JSON", "this is not json", "{}", "unexpected answer to GET /containers/json: not JSON that ig can read" },
        { "null", "null", "{}", "a JSON null instead of a list of containers" },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void List_containers_warns_once_and_goes_on(string what, string list, string inspect, string warning)
    {
        Requires.Root();
        _ = what;
        using var socket = Garbage200(list, inspect);

        var result = IgShell.Run("", TimeSpan.FromSeconds(30), "list-containers", "-r", "docker", "--docker-socketpath", socket.Path);

        Assert.Equal(0, result.ExitCode);
        var lines = ErrorLines(result.Error);
        Assert.Single(lines);
        Assert.StartsWith("WARNING: docker: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(warning, lines[0], StringComparison.Ordinal);
        AssertNoResourceKeys(result.Error);
        Assert.StartsWith("RUNTIME", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Garbage))]
    public void A_gadget_warns_once_and_traces(string what, string list, string inspect, string warning)
    {
        Requires.Root();
        _ = what;
        using var socket = Garbage200(list, inspect);

        var result = IgShell.Run("", TimeSpan.FromSeconds(60), "trace", "exec", "--host", "--timeout", "1", "--docker-socketpath", socket.Path);

        Assert.Equal(0, result.ExitCode);
        // The machine's real containerd is asked too; only what concerns docker counts here.
        var lines = ErrorLines(result.Error).Where(l => !l.StartsWith("WARNING: containerd", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains(warning, lines[0], StringComparison.Ordinal);
        Assert.Matches("^ig: [0-9]+ events?, 0 lost$", lines[1]);
        AssertNoResourceKeys(result.Error);
    }

    [Fact]
    public void A_socket_that_speaks_no_http_is_one_warning_with_a_real_message()
    {
        Requires.Root();
        using var socket = Own(new FakeDockerSocket(Path.Combine(_dir, "docker.sock"), _ => "garbage\r\n\r\n"u8.ToArray()));

        var result = IgShell.Run("", TimeSpan.FromSeconds(30), "list-containers", "-r", "docker", "--docker-socketpath", socket.Path);

        Assert.Equal(0, result.ExitCode);
        var line = Assert.Single(ErrorLines(result.Error));
        Assert.StartsWith($"WARNING: docker: cannot list containers at {socket.Path} (", line, StringComparison.Ordinal);
        AssertNoResourceKeys(result.Error);
    }

    [Fact]
    public void A_socket_that_accepts_and_never_answers_costs_a_bounded_delay_and_one_warning()
    {
        Requires.Root();
        using var socket = Own(new FakeDockerSocket(Path.Combine(_dir, "docker.sock"), _ => null));
        var clock = Stopwatch.StartNew();

        var result = IgShell.Run("", TimeSpan.FromSeconds(30), "list-containers", "-r", "docker", "--docker-socketpath", socket.Path);

        Assert.Equal(0, result.ExitCode);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 12); // the listing's 5 s budget, and start-up
        var line = Assert.Single(ErrorLines(result.Error));
        Assert.Equal($"WARNING: docker: cannot list containers at {socket.Path} (no answer in time); skipping it", line);
    }

    private FakeDockerSocket Garbage200(string list, string inspect) =>
        Own(new FakeDockerSocket(Path.Combine(_dir, "docker.sock"), path => path switch
        {
            "/info" => FakeDockerSocket.Ok("{}"),
            // An idle dockerd's event stream: headers, then nothing until something happens.
            _ when path.StartsWith("/events", StringComparison.Ordinal) => "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray(),
            "/containers/json" => FakeDockerSocket.Ok(list),
            _ when path.StartsWith("/containers/", StringComparison.Ordinal) => FakeDockerSocket.Ok(inspect),
            _ => FakeDockerSocket.Ok("{}"),
        }));

    private static List<string> ErrorLines(string error) =>
        error.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>A .NET resource key (net_http_invalid_response_status_line) where a message should be.</summary>
    private static void AssertNoResourceKeys(string error)
    {
        Assert.DoesNotMatch(ResourceKey(), error);
        Assert.DoesNotContain("Unhandled", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\b[A-Za-z]+_[A-Za-z]+_[A-Za-z_]+\b")]
    private static partial Regex ResourceKey();
}
