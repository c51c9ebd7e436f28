using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Aplo.Client;

namespace Aplo.Cli;

/// <summary>
/// What the commands need from the server: raw JSON bodies (so <c>--json</c> prints exactly what the server sent),
/// Heketi's async protocol with progress while it runs, and a few retries when the server is busy (429).
/// </summary>
internal sealed class Api(HeketiClient client, Progress progress, TimeProvider time)
{
    private static readonly TimeSpan[] BusyBackoff = [TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)];

    public Task<string> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    /// <summary>A synchronous request: the body of a 2xx answer, or <see cref="ServerException"/>.</summary>
    public async Task<string> SendAsync(HttpMethod method, string path, string? json, CancellationToken ct) =>
        System.Text.Encoding.UTF8.GetString(await SendForBytesAsync(method, path, json, ct));

    /// <summary>A GET whose body is parsed rather than printed: UTF-8 bytes, without a string in between.</summary>
    public Task<byte[]> GetUtf8Async(string path, CancellationToken ct) => SendForBytesAsync(HttpMethod.Get, path, null, ct);

    private async Task<byte[]> SendForBytesAsync(HttpMethod method, string path, string? json, CancellationToken ct)
    {
        using var response = await SendWithRetryAsync(method, path, json, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        return (int)response.StatusCode >= 400
            ? throw new ServerException(response.StatusCode, System.Text.Encoding.UTF8.GetString(body).Trim(), method, path)
            : body;
    }

    /// <summary>
    /// An operation in Heketi's async style: 202 and a /queue location, polled (with progress shown as
    /// <paramref name="doing"/>) until it ends. Returns the resource's JSON after a 303, or null after a 204.
    /// </summary>
    public async Task<string?> RunAsync(HttpMethod method, string path, string? json, string doing, CancellationToken ct)
    {
        string location;
        using (var accepted = await SendWithRetryAsync(method, path, json, ct))
        {
            var body = await accepted.Content.ReadAsStringAsync(ct);
            if ((int)accepted.StatusCode >= 400)
            {
                throw new ServerException(accepted.StatusCode, body.Trim(), method, path);
            }

            if (accepted.StatusCode != HttpStatusCode.Accepted)
            {
                return body.Length == 0 ? null : body;
            }

            location = accepted.Headers.Location?.OriginalString ?? throw new ServerException(accepted.StatusCode, "the server accepted the request without a Location to follow", method, path);
        }

        await using (progress.Start(doing))
        {
            using var done = await client.WaitAsync(location, ct);
            if (done.StatusCode == HttpStatusCode.SeeOther && done.Headers.Location is { } resource)
            {
                return await GetAsync(resource.OriginalString, ct);
            }

            var text = await done.Content.ReadAsStringAsync(ct);
            if ((int)done.StatusCode >= 400)
            {
                throw new ServerException(done.StatusCode, text.Trim(), method, path);
            }

            return null;
        }
    }

    private async Task<HttpResponseMessage> SendWithRetryAsync(HttpMethod method, string path, string? json, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var content = json is null ? null : new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
            var response = await client.SendAsync(method, path, content, ct);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt >= BusyBackoff.Length)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(BusyBackoff[attempt], time, ct);
        }
    }
}

/// <summary>Shows "doing… 3.2 s" on a terminal while an operation runs; silent when stderr is not a terminal.</summary>
internal sealed class Progress(TextWriter stderr, bool enabled, TimeProvider time)
{
    public IAsyncDisposable Start(string doing) => enabled ? new Ticker(stderr, doing, time) : NoTicker.Instance;

    private sealed class NoTicker : IAsyncDisposable
    {
        public static readonly NoTicker Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class Ticker : IAsyncDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Task loop;
        private readonly TextWriter stderr;

        public Ticker(TextWriter stderr, string doing, TimeProvider time)
        {
            this.stderr = stderr;
            var started = time.GetTimestamp();
            loop = Task.Run(async () =>
            {
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        await stderr.WriteAsync(FormattableString.Invariant($"\r{doing}… {time.GetElapsedTime(started).TotalSeconds:0.0} s"));
                        await stderr.FlushAsync();
                        await Task.Delay(TimeSpan.FromMilliseconds(200), time, stop.Token);
                    }
                }
                catch (OperationCanceledException)
                {
                    // Stopped: the operation ended.
                }
            });
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await loop;
            stop.Dispose();
            await stderr.WriteAsync("\r\u001b[K");
            await stderr.FlushAsync();
        }
    }
}

/// <summary>The server answered an error: its status and its text, and the request it answered.</summary>
internal sealed class ServerException(HttpStatusCode status, string message, HttpMethod method, string path) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    public string Request { get; } = method.Method + " " + path;

    /// <summary>A 404 for the route itself (Heketi's text), not for an id: the server is older than the command.</summary>
    public bool RouteMissing => Status == HttpStatusCode.NotFound && Message == "Invalid path or request";
}
