using System.Net.Sockets;
using System.Text;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>A stand-in for a broken or hostile dockerd: a unix socket that answers each HTTP
/// request with what the test chooses (garbage JSON, a non-HTTP line, or nothing at all, the
/// connection held open). Real dockerd cannot be made to answer so; everything else in these
/// tests is real. It speaks just enough HTTP/1.1 for the few GETs ig makes.</summary>
internal sealed class FakeDockerSocket : IDisposable
{
    private readonly Socket _listener;
    private readonly Func<string, byte[]?> _answer;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _held = [];

    /// <param name="answer">The raw bytes to send for a request path; null to never answer.</param>
    public FakeDockerSocket(string path, Func<string, byte[]?> answer)
    {
        Path = path;
        _answer = answer;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(16);
        _ = Task.Run(AcceptLoopAsync);
    }

    public string Path { get; }

    /// <summary>Paths requested so far.</summary>
    public List<string> Requests { get; } = [];

    /// <summary>An HTTP 200 answer with a JSON (or any) body.</summary>
    public static byte[] Ok(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        return [.. Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\n\r\n"), .. bytes];
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        var buffer = new byte[16384];
        var request = new StringBuilder();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var read = await client.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (read == 0)
                    break;
                request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                int end;
                while ((end = request.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal)) >= 0)
                {
                    var head = request.ToString()[..end];
                    request.Remove(0, end + 4);
                    var path = head.Split(' ') is [_, var p, ..] ? p : "";
                    lock (Requests)
                        Requests.Add(path);
                    if (_answer(path) is not { } answer)
                    {
                        lock (_held)
                            _held.Add(client);
                        return; // accepted, never answered
                    }
                    await client.SendAsync(answer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        client.Dispose();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        lock (_held)
        {
            foreach (var socket in _held)
                socket.Dispose();
        }
        File.Delete(Path);
    }
}
