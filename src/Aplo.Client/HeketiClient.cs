using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Aplo.Contracts;

namespace Aplo.Client;

/// <summary>
/// A client for Heketi's REST API (and so for Aplo's): signs every request, follows the async queue to the
/// result, and turns error answers into <see cref="HeketiClientException"/>.
/// </summary>
public sealed class HeketiClient(HttpClient http, string user, string key, TimeProvider? time = null)
{
    private readonly TimeProvider clock = time ?? TimeProvider.System;

    /// <summary>How long to wait between queue polls when the server does not hold the poll.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(400);

    /// <summary>When set, polls ask the server to hold the answer up to this long (Aplo's <c>Prefer: wait</c>).</summary>
    public TimeSpan? LongPoll { get; init; }

    public HttpClient Http { get; } = http;

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        // The qsh covers the path only, never the query string, as Heketi signs and checks it.
        var query = path.IndexOf('?', StringComparison.Ordinal);
        var signed = query < 0 ? path : path[..query];
        request.Headers.Authorization = new AuthenticationHeaderValue("bearer", HeketiToken.Create(user, key, method.Method, signed, clock.GetUtcNow()));
        if (LongPoll is { } wait && path.StartsWith("/queue/", StringComparison.Ordinal))
        {
            request.Headers.TryAddWithoutValidation("Prefer", $"wait={(int)wait.TotalSeconds}");
        }

        return await Http.SendAsync(request, cancellationToken);
    }

    public Task<ClusterInfoResponse> ClusterCreateAsync(ClusterCreateRequest request, CancellationToken ct) =>
        SyncAsync(HttpMethod.Post, "/clusters", Json(request, HeketiJsonContext.Default.ClusterCreateRequest), HeketiJsonContext.Default.ClusterInfoResponse, ct);

    public Task<ClusterInfoResponse> ClusterInfoAsync(string id, CancellationToken ct) =>
        SyncAsync(HttpMethod.Get, "/clusters/" + id, null, HeketiJsonContext.Default.ClusterInfoResponse, ct);

    public Task<ClusterListResponse> ClusterListAsync(CancellationToken ct) =>
        SyncAsync(HttpMethod.Get, "/clusters", null, HeketiJsonContext.Default.ClusterListResponse, ct);

    public Task<NodeInfoResponse> NodeAddAsync(NodeAddRequest request, CancellationToken ct) =>
        AsyncAsync(HttpMethod.Post, "/nodes", Json(request, HeketiJsonContext.Default.NodeAddRequest), HeketiJsonContext.Default.NodeInfoResponse, ct);

    public Task<NodeInfoResponse> NodeInfoAsync(string id, CancellationToken ct) =>
        SyncAsync(HttpMethod.Get, "/nodes/" + id, null, HeketiJsonContext.Default.NodeInfoResponse, ct);

    public Task DeviceAddAsync(DeviceAddRequest request, CancellationToken ct) =>
        AsyncAsync<object>(HttpMethod.Post, "/devices", Json(request, HeketiJsonContext.Default.DeviceAddRequest), null, ct);

    public Task<DeviceInfoResponse> DeviceInfoAsync(string id, CancellationToken ct) =>
        SyncAsync(HttpMethod.Get, "/devices/" + id, null, HeketiJsonContext.Default.DeviceInfoResponse, ct);

    public Task<VolumeInfoResponse> VolumeCreateAsync(VolumeCreateRequest request, CancellationToken ct) =>
        AsyncAsync(HttpMethod.Post, "/volumes", Json(request, HeketiJsonContext.Default.VolumeCreateRequest), HeketiJsonContext.Default.VolumeInfoResponse, ct);

    public Task<VolumeInfoResponse> VolumeExpandAsync(string id, long expandGiB, CancellationToken ct) =>
        AsyncAsync(HttpMethod.Post, $"/volumes/{id}/expand", Json(new VolumeExpandRequest { ExpandSize = expandGiB }, HeketiJsonContext.Default.VolumeExpandRequest), HeketiJsonContext.Default.VolumeInfoResponse, ct);

    public Task<VolumeInfoResponse> VolumeInfoAsync(string id, CancellationToken ct) =>
        SyncAsync(HttpMethod.Get, "/volumes/" + id, null, HeketiJsonContext.Default.VolumeInfoResponse, ct);

    public Task<VolumeListResponse> VolumeListAsync(CancellationToken ct) =>
        SyncAsync(HttpMethod.Get, "/volumes", null, HeketiJsonContext.Default.VolumeListResponse, ct);

    public Task VolumeDeleteAsync(string id, CancellationToken ct) =>
        AsyncAsync<object>(HttpMethod.Delete, "/volumes/" + id, null, null, ct);

    /// <summary>Sets a node's state; <c>failed</c> moves its bricks to other nodes first.</summary>
    public Task NodeStateAsync(string id, string state, CancellationToken ct, string? healCheck = null) =>
        AsyncAsync<object>(HttpMethod.Post, $"/nodes/{id}/state", Json(new StateRequest { State = state, HealCheck = healCheck }, HeketiJsonContext.Default.StateRequest), null, ct);

    /// <summary>Sets a device's state; <c>failed</c> moves its bricks to other devices first.</summary>
    public Task DeviceStateAsync(string id, string state, CancellationToken ct, string? healCheck = null) =>
        AsyncAsync<object>(HttpMethod.Post, $"/devices/{id}/state", Json(new StateRequest { State = state, HealCheck = healCheck }, HeketiJsonContext.Default.StateRequest), null, ct);

    public Task DeviceDeleteAsync(string id, CancellationToken ct) =>
        AsyncAsync<object>(HttpMethod.Delete, "/devices/" + id, null, null, ct);

    /// <summary>Moves one brick to another device that keeps its set's rules.</summary>
    public Task BrickEvictAsync(string id, CancellationToken ct, string? healCheck = null) =>
        AsyncAsync<object>(HttpMethod.Post, "/bricks/to-evict/" + id, healCheck is null ? null : Json(new BrickEvictRequest { HealCheck = healCheck }, HeketiJsonContext.Default.BrickEvictRequest), null, ct);

    /// <summary>Polls <paramref name="location"/> (a /queue path) until the operation ends; returns the final response.</summary>
    public async Task<HttpResponseMessage> WaitAsync(string location, CancellationToken ct)
    {
        while (true)
        {
            var response = await SendAsync(HttpMethod.Get, location, null, ct);
            if (response.StatusCode == HttpStatusCode.OK && response.Headers.TryGetValues("X-Pending", out _))
            {
                response.Dispose();
                await Task.Delay(LongPoll is null ? PollInterval : TimeSpan.Zero, clock, ct);
                continue;
            }

            return response;
        }
    }

    private async Task<T> SyncAsync<T>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> info, CancellationToken ct)
    {
        using var response = await SendAsync(method, path, content, ct);
        await EnsureAsync(response, ct);
        return await ReadAsync(response, info, ct);
    }

    private async Task<T> AsyncAsync<T>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T>? info, CancellationToken ct)
    {
        string location;
        using (var accepted = await SendAsync(method, path, content, ct))
        {
            await EnsureAsync(accepted, ct);
            location = accepted.Headers.Location?.OriginalString ?? throw new HeketiClientException(accepted.StatusCode, "Accepted without a Location");
        }

        using var done = await WaitAsync(location, ct);
        if (done.StatusCode == HttpStatusCode.SeeOther && info is not null)
        {
            return await SyncAsync(HttpMethod.Get, done.Headers.Location!.OriginalString, null, info, ct);
        }

        await EnsureAsync(done, ct);
        return default!;
    }

    private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if ((int)response.StatusCode >= 400)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            throw new HeketiClientException(response.StatusCode, text.Trim());
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> info, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        return await JsonSerializer.DeserializeAsync(stream, info, ct) ?? throw new HeketiClientException(response.StatusCode, "Empty response body");
    }

    private static ByteArrayContent Json<T>(T value, JsonTypeInfo<T> info)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, info));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
