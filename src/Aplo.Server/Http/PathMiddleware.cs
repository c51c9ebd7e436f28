namespace Aplo.Server.Http;

/// <summary>
/// Heketi's router quirks: a trailing slash redirects (301) to the path without it, and an unknown path is
/// 404 <c>Invalid path or request</c>. Both happen after authentication, as in Heketi.
/// </summary>
public sealed class PathMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path.Length > 1 && path.EndsWith('/'))
        {
            context.Response.StatusCode = StatusCodes.Status301MovedPermanently;
            context.Response.Headers.Location = path.TrimEnd('/') + context.Request.QueryString;
            return Task.CompletedTask;
        }

        return next(context);
    }
}
