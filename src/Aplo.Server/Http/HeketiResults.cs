using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Aplo.Core.Errors;

namespace Aplo.Server.Http;

/// <summary>Writes responses the way Heketi's Go server does: plain-text errors, JSON bodies, path-only Locations.</summary>
public static class HeketiResults
{
    public const string JsonContentType = "application/json; charset=UTF-8";
    public const string TextContentType = "text/plain; charset=utf-8";

    public static Task Error(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = TextContentType;
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        return context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }

    public static async Task Json<T>(HttpContext context, int status, T value, JsonTypeInfo<T> info)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = JsonContentType;
        await JsonSerializer.SerializeAsync(context.Response.Body, value, info, context.RequestAborted);
    }

    /// <summary>202 with <c>Location: /queue/{id}</c>; a GET also gets Go's small HTML body.</summary>
    public static Task Accepted(HttpContext context, string operationId) =>
        Redirect(context, StatusCodes.Status202Accepted, "/queue/" + operationId, "Accepted");

    public static Task Redirect(HttpContext context, int status, string location, string statusText)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.Location = location;
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync($"<a href=\"{location}\">{statusText}</a>.\n\n", Encoding.UTF8, context.RequestAborted);
        }

        return Task.CompletedTask;
    }

    /// <summary>Reads a JSON body; anything unparsable (including an empty body) is Heketi's 422.</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> info)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(request.Body, info, request.HttpContext.RequestAborted)
                ?? throw new AploException(ErrorKind.Unparsable, "request unable to be parsed");
        }
        catch (JsonException ex)
        {
            throw new AploException(ErrorKind.Unparsable, "request unable to be parsed", ex);
        }
    }

    /// <summary>Reads an optional JSON body: an empty body gives <paramref name="empty"/>.</summary>
    public static async Task<T> ReadOptionalAsync<T>(HttpRequest request, JsonTypeInfo<T> info, T empty)
        where T : class
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        if (buffer.Length == 0)
        {
            return empty;
        }

        try
        {
            return JsonSerializer.Deserialize(buffer.ToArray(), info) ?? empty;
        }
        catch (JsonException ex)
        {
            throw new AploException(ErrorKind.Unparsable, "request unable to be parsed", ex);
        }
    }
}
