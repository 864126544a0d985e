using System.Net.Http.Headers;
using System.Text.Json;

namespace Gadget.Containers.Runtimes.Docker;

/// <summary>Docker through its Engine API on a unix socket (HTTP and JSON): containers by
/// name, image and pid; live starts and stops from GET /events. Answers are not trusted: one
/// that is not JSON, too deep, too large or of another shape makes the runtime unavailable
/// (one warning); a container described without what it needs (an id, a pid) is skipped,
/// with one warning per kind of defect.</summary>
internal sealed class DockerRuntime : IContainerRuntime, IEarlyDescriber
{
    public const string DefaultSocket = "/var/run/docker.sock";

    /// <summary>The largest answer read (a listing of thousands of containers is a few MiB).</summary>
    private const int MaxAnswerBytes = 64 * 1024 * 1024;

    /// <summary>Nesting deeper than Docker's answers ever are is an answer we refuse.</summary>
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 32 };

    private readonly HttpClient _http;
    // Names and images from "create" events, for containers runc is about to start (inspect
    // would wait on the start we are holding).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Name, string Image)> _created = new();
    private readonly string _socket;
    // Where config.v2.json of each container is; from /info at the first listing.
    private string? _dataRoot;
    private readonly TextWriter _warnings;
    private readonly HashSet<string> _warned = [];

    /// <param name="handler">Where requests go; the socket by default (tests pass their own).</param>
    /// <param name="warnings">Where a malformed container description is reported, once per kind.</param>
    public DockerRuntime(string socket = DefaultSocket, HttpMessageHandler? handler = null, TextWriter? warnings = null)
    {
        _socket = socket;
        _warnings = warnings ?? TextWriter.Null;
        _http = new HttpClient(handler ?? UnixSocketHttp.Handler(socket))
        {
            BaseAddress = new Uri("http://docker"),
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = MaxAnswerBytes,
        };
    }

    public string Name => "docker";

    public string Endpoint => _socket;

    public async Task<IReadOnlyList<ContainerInfo>> ListAsync(CancellationToken cancellation)
    {
        _dataRoot ??= await DataRootAsync(cancellation).ConfigureAwait(false);
        using var list = await GetJsonAsync("/containers/json", cancellation).ConfigureAwait(false);
        if (list.RootElement.ValueKind != JsonValueKind.Array)
            throw Unexpected("/containers/json", $"a JSON {Kind(list.RootElement)} instead of a list of containers");
        var result = new List<ContainerInfo>();
        foreach (var item in list.RootElement.EnumerateArray())
        {
            if (item.String("Id") is not { Length: > 0 } id || !IsPlainId(id))
            {
                WarnOnce("a listed container without a valid \"Id\"");
                continue;
            }
            if (await InspectAsync(id, cancellation).ConfigureAwait(false) is { } container)
                result.Add(container);
        }
        return result;
    }

    public async Task<ContainerInfo?> InspectAsync(string id, CancellationToken cancellation)
    {
        JsonDocument inspect;
        try
        {
            inspect = await GetJsonAsync($"/containers/{Uri.EscapeDataString(id)}/json", cancellation).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null; // gone meanwhile
        }
        using (inspect)
        {
            var root = inspect.RootElement;
            if (root.Object("State") is not { } state || state.Bool("Running") is not { } running)
            {
                WarnOnce("a container described without its \"State\"");
                return null;
            }
            if (!running)
                return null;
            var pid = state.Int32("Pid") ?? 0;
            if (root.String("Id") is not { Length: > 0 } containerId || !IsPlainId(containerId) || pid <= 0)
            {
                WarnOnce("a running container described without a valid \"Id\" or \"Pid\"");
                return null;
            }
            var container = new ContainerInfo
            {
                Runtime = Name,
                Id = containerId,
                Name = (root.String("Name") ?? "").TrimStart('/'),
                ImageName = root.Object("Config")?.String("Image") ?? "",
                ImageDigest = root.String("Image") ?? "",
                Pid = pid,
                RuntimeNamespace = "moby",
                HostNetwork = root.Object("HostConfig")?.String("NetworkMode") == "host",
            };
            return ContainerProcess.Complete(container);
        }
    }

    public async Task WatchAsync(ContainerCollection collection, CancellationToken cancellation)
    {
        var filters = Uri.EscapeDataString("{\"type\":[\"container\"],\"event\":[\"create\",\"start\",\"die\",\"destroy\"]}");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/events?filters={filters}");
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false));
        while (await reader.ReadLineAsync(cancellation).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
                continue;
            using var message = TryParse(line);
            // A line that says nothing we can use is skipped: the next listing catches up.
            if (message?.RootElement.String("id") is not { Length: > 0 } id || !IsPlainId(id))
                continue;
            switch (message.RootElement.String("status"))
            {
                case "create":
                    RememberCreated(id, message.RootElement);
                    break;
                case "destroy":
                    _created.TryRemove(id, out _);
                    break;
                case "start":
                    if (await InspectAsync(id, cancellation).ConfigureAwait(false) is { } container)
                        collection.AddOrUpdate(container);
                    break;
                case "die":
                    collection.Remove(id);
                    break;
            }
        }
    }

    private async Task<string> DataRootAsync(CancellationToken cancellation)
    {
        try
        {
            using var info = await GetJsonAsync("/info", cancellation).ConfigureAwait(false);
            return info.RootElement.String("DockerRootDir") is { Length: > 0 } path && Path.IsPathFullyQualified(path)
                ? path : DockerContainerConfig.DefaultDataRoot;
        }
        catch (Exception e) when (e is RuntimeUnavailableException { InnerException: JsonException } || e is HttpRequestException { StatusCode: not null })
        {
            return DockerContainerConfig.DefaultDataRoot; // an answer without it: the default
        }
    }

    private void RememberCreated(string id, JsonElement message)
    {
        if (message.Object("Actor")?.Object("Attributes") is not { } attributes)
            return;
        var name = attributes.String("name") ?? "";
        var image = attributes.String("image") ?? "";
        if (_created.Count > 1024)
            _created.Clear();
        _created[id] = (name, image);
    }

    public bool Handles(ContainerInfo container) => container.RuntimeNamespace == "moby";

    /// <summary>Name, image and network mode from the files Docker wrote at create time (the
    /// "create" event may still be on its way; inspect would wait on the start being held).</summary>
    public Task<ContainerInfo?> DescribeEarlyAsync(ContainerInfo container, CancellationToken cancellation)
    {
        if (DockerContainerConfig.TryRead(_dataRoot ?? DockerContainerConfig.DefaultDataRoot, container.Id) is { Name.Length: > 0 } config)
        {
            return Task.FromResult<ContainerInfo?>(container with
            {
                Runtime = Name,
                Name = config.Name,
                ImageName = config.ImageName,
                ImageDigest = config.ImageId,
                HostNetwork = config.HostNetwork,
            });
        }
        return Task.FromResult<ContainerInfo?>(_created.TryGetValue(container.Id, out var created)
            ? container with { Runtime = Name, Name = created.Name, ImageName = created.Image }
            : container with { Runtime = Name });
    }

    private async Task<JsonDocument> GetJsonAsync(string path, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellation).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
        try
        {
            return await JsonDocument.ParseAsync(stream, ParseOptions, cancellation).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new RuntimeUnavailableException($"docker: unexpected answer to GET {path}: not JSON that ig can read ({e.Message})", e);
        }
    }

    private static JsonDocument? TryParse(string line)
    {
        try
        {
            return JsonDocument.Parse(line, ParseOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Ids go into request paths and file paths (config.v2.json): letters, digits, '-'
    /// and '_' only (Docker's are hex), so that no id climbs out of a directory.</summary>
    private static bool IsPlainId(string id) => id.Length <= 128 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();

    private static RuntimeUnavailableException Unexpected(string path, string what) =>
        new($"docker: unexpected answer to GET {path}: {what}");

    private void WarnOnce(string what)
    {
        lock (_warned)
        {
            if (_warned.Add(what))
                _warnings.WriteLine($"WARNING: docker: {_socket} answered {what}; skipping it");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellation)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, cancellation).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.StatusCode is null)
        {
            // Refused, reset, or not HTTP at all (an invalid status line): unavailable either way.
            throw new RuntimeUnavailableException($"docker: cannot talk to {_socket}: {e.InnerException?.Message ?? e.Message}", e);
        }
        if (!response.IsSuccessStatusCode)
        {
            var status = response.StatusCode;
            response.Dispose();
            throw new HttpRequestException($"docker: {request.RequestUri} answered {(int)status}", null, status);
        }
        return response;
    }

    public void Dispose() => _http.Dispose();
}
