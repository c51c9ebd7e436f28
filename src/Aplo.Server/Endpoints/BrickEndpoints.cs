using Aplo.Contracts;
using Aplo.Core.Operations;
using Aplo.Server.Http;

namespace Aplo.Server.Endpoints;

public static class BrickEndpoints
{
    public static IEndpointRouteBuilder MapBricks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/bricks/to-evict/{id:regex(^[A-Fa-f0-9]+$)}", EvictAsync);
        return app;
    }

    private static async Task EvictAsync(HttpContext context, BrickEvictionService evictions)
    {
        var request = await HeketiResults.ReadOptionalAsync(context.Request, HeketiJsonContext.Default.BrickEvictRequest, new BrickEvictRequest());
        var op = await evictions.EvictAsync(context.Id(), request.HealCheck, context.Role(), context.RequestAborted);
        await HeketiResults.Accepted(context, op);
    }
}
