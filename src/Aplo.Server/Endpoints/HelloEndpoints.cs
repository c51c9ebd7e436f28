namespace Aplo.Server.Endpoints;

public static class HelloEndpoints
{
    public static IEndpointRouteBuilder MapHello(this IEndpointRouteBuilder app)
    {
        // Heketi's exact text: health checks and scripts grep for it.
        app.MapGet("/hello", (HttpContext context) =>
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync("Hello from Heketi", context.RequestAborted);
        });
        return app;
    }
}
