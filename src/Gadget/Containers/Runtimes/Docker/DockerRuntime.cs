using System.Net.Http.Headers;
using System.Text.Json;

namespace Gadget.Containers.Runtimes.Docker;

/// <summary>Docker through its Engine API on a unix socket (HTTP and JSON): containers by
/// name, image and pid; live starts and stops from GET /events.</summary>
internal sealed class DockerRuntime : IContainerRuntime, IEarlyDescriber
{
    public const string DefaultSocket = "/var/run/docker.sock";

    private readonly HttpClient _http;
    // Names and images from "create" events, for containers runc is about to start (inspect
    // would wait on the start we are holding).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Name, string Image)> _created = new();
    private readonly string _socket;
    // Where config.v2.json of each container is; from /info at the first listing.
    private string? _dataRoot;

    /// <param name="handler">Where requests go; the socket by default (tests pass their own).</param>
    public DockerRuntime(string socket = DefaultSocket, HttpMessageHandler? handler = null)
    {
        _socket = socket;
        _http = new HttpClient(handler ?? UnixSocketHttp.Handler(socket)) { BaseAddress = new Uri("http://docker"), Timeout = Timeout.InfiniteTimeSpan };
    }

    public string Name => "docker";

    public string Endpoint => _socket;

    public async Task<IReadOnlyList<ContainerInfo>> ListAsync(CancellationToken cancellation)
    {
        _dataRoot ??= await DataRootAsync(cancellation).ConfigureAwait(false);
        using var list = await GetJsonAsync("/containers/json", cancellation).ConfigureAwait(false);
        var result = new List<ContainerInfo>();
        foreach (var item in list.RootElement.EnumerateArray())
        {
            if (await InspectAsync(item.GetProperty("Id").GetString()!, cancellation).ConfigureAwait(false) is { } container)
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
            var state = root.GetProperty("State");
            if (!state.GetProperty("Running").GetBoolean())
                return null;
            var config = root.GetProperty("Config");
            var container = new ContainerInfo
            {
                Runtime = Name,
                Id = root.GetProperty("Id").GetString()!,
                Name = root.GetProperty("Name").GetString()!.TrimStart('/'),
                ImageName = config.GetProperty("Image").GetString() ?? "",
                ImageDigest = root.GetProperty("Image").GetString() ?? "",
                Pid = state.GetProperty("Pid").GetInt32(),
                RuntimeNamespace = "moby",
                HostNetwork = root.GetProperty("HostConfig").GetProperty("NetworkMode").GetString() == "host",
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
            using var message = JsonDocument.Parse(line);
            var id = message.RootElement.GetProperty("id").GetString()!;
            switch (message.RootElement.GetProperty("status").GetString())
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
            return info.RootElement.TryGetProperty("DockerRootDir", out var dir) && dir.GetString() is { Length: > 0 } path
                ? path : DockerContainerConfig.DefaultDataRoot;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException || e is HttpRequestException { StatusCode: not null })
        {
            return DockerContainerConfig.DefaultDataRoot; // an answer without it: the default
        }
    }

    private void RememberCreated(string id, JsonElement message)
    {
        if (!message.TryGetProperty("Actor", out var actor) || !actor.TryGetProperty("Attributes", out var attributes))
            return;
        var name = attributes.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
        var image = attributes.TryGetProperty("image", out var i) ? i.GetString() ?? "" : "";
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
        return await JsonDocument.ParseAsync(stream, cancellationToken: cancellation).ConfigureAwait(false);
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
            throw new RuntimeUnavailableException($"docker: cannot connect to {_socket}: {e.InnerException?.Message ?? e.Message}", e);
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
