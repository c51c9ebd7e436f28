using System.Net;
using System.Text;
using Aplo.Client;
using Aplo.TestKit;

namespace Aplo.Server.Tests;

/// <summary>Starts a fresh server per test class instance (xUnit makes one per test), on its own temp database.</summary>
public abstract class ApiTestBase : IAsyncLifetime
{
    protected AploHost Host { get; private set; } = null!;

    protected HeketiClient Admin { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected virtual Func<Aplo.Server.Configuration.ServerOptions, Aplo.Server.Configuration.ServerOptions>? Configure => null;

    public async ValueTask InitializeAsync()
    {
        Host = await AploHost.StartAsync(Configure, cancellationToken: Ct);
        Admin = Host.Admin();
    }

    public virtual async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Stops the server and starts it again on the same database; the admin client follows the new port.</summary>
    protected async Task RestartAsync()
    {
        await Host.RestartAsync(Ct);
        Admin = Host.Admin();
    }

    /// <summary>Sends a signed admin request with a raw body and returns the response as is.</summary>
    protected Task<HttpResponseMessage> SendAsync(string method, string path, string? body = null) =>
        Admin.SendAsync(new HttpMethod(method), path, body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"), Ct);

    /// <summary>Sends, then asserts the status and returns the trimmed text body.</summary>
    protected async Task<string> ExpectAsync(HttpStatusCode status, string method, string path, string? body = null)
    {
        using var response = await SendAsync(method, path, body);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(status == response.StatusCode, $"{method} {path}: expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return text.Trim();
    }

    /// <summary>Sends a request that must be accepted (202) and follows the queue to its final response.</summary>
    protected async Task<HttpResponseMessage> AcceptedThenAsync(string method, string path, string? body = null)
    {
        using var accepted = await SendAsync(method, path, body);
        var text = await accepted.Content.ReadAsStringAsync(Ct);
        Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, $"{method} {path}: expected 202, got {(int)accepted.StatusCode}: {text}");
        var location = accepted.Headers.Location!.OriginalString;
        Assert.StartsWith("/queue/", location, StringComparison.Ordinal);
        return await Admin.WaitAsync(location, Ct);
    }
}
