using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aplo.Cli.Tests;

/// <summary>
/// Stands in for a plain Heketi server: passes every request through to Aplo except GET /topology, which it
/// answers as Heketi does (404 Invalid path or request). It records the paths it saw.
/// </summary>
public sealed class PlainHeketiProxy : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly HttpClient upstream;

    private PlainHeketiProxy(WebApplication app, HttpClient upstream)
    {
        this.app = app;
        this.upstream = upstream;
    }

    public ConcurrentQueue<string> Requests { get; } = new();

    public Uri Address { get; private set; } = null!;

    public static async Task<PlainHeketiProxy> StartAsync(Uri target)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var upstream = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = target };
        var proxy = new PlainHeketiProxy(builder.Build(), upstream);
        proxy.app.Run(proxy.ForwardAsync);
        await proxy.app.StartAsync();
        var address = proxy.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        proxy.Address = new Uri(address);
        return proxy;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!;
        Requests.Enqueue(context.Request.Method + " " + path);
        if (path == "/topology")
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync("Invalid path or request\n");
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), path);
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        if (body.Length > 0)
        {
            request.Content = new ByteArrayContent(body.ToArray());
            request.Content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType);
        }

        foreach (var header in new[] { "Authorization", "Prefer" })
        {
            if (context.Request.Headers.TryGetValue(header, out var value))
            {
                request.Headers.TryAddWithoutValidation(header, value.ToString());
            }
        }

        using var response = await upstream.SendAsync(request);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Where(h => h.Key is "Location" or "X-Pending"))
        {
            context.Response.Headers[header.Key] = header.Value.ToArray();
        }

        if (response.StatusCode != System.Net.HttpStatusCode.NoContent)
        {
            await response.Content.CopyToAsync(context.Response.Body);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        upstream.Dispose();
    }
}
