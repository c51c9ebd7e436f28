using Aplo.Contracts;
using Aplo.Core.Errors;
using Aplo.Core.Operations;
using Aplo.Core.Topology;
using Aplo.Server.Http;

namespace Aplo.Server.Endpoints;

public static class ClusterEndpoints
{
    public static IEndpointRouteBuilder MapClusters(this IEndpointRouteBuilder app)
    {
        app.MapPost("/clusters", CreateAsync);
        app.MapGet("/clusters", List);
        app.MapGet("/clusters/{id:regex(^[A-Fa-f0-9]+$)}", Info);
        app.MapPost("/clusters/{id:regex(^[A-Fa-f0-9]+$)}/flags", SetFlagsAsync);
        app.MapDelete("/clusters/{id:regex(^[A-Fa-f0-9]+$)}", DeleteAsync);
        return app;
    }

    private static async Task CreateAsync(HttpContext context, ClusterService clusters, TopologyManager topology)
    {
        var request = await HeketiResults.ReadAsync(context.Request, HeketiJsonContext.Default.ClusterCreateRequest);
        var cluster = await clusters.CreateAsync(request.File, request.Block, context.RequestAborted);
        var info = topology.Read(m => TopologyViews.Cluster(m, cluster));
        await HeketiResults.Json(context, StatusCodes.Status201Created, info, HeketiJsonContext.Default.ClusterInfoResponse);
    }

    private static Task List(HttpContext context, TopologyManager topology)
    {
        var list = topology.Read(m => new ClusterListResponse { Clusters = [.. m.Clusters.Keys] });
        return HeketiResults.Json(context, StatusCodes.Status200OK, list, HeketiJsonContext.Default.ClusterListResponse);
    }

    private static Task Info(HttpContext context, TopologyManager topology)
    {
        var id = context.Id();
        var info = topology.Read(m => m.Clusters.TryGetValue(id, out var c) ? TopologyViews.Cluster(m, c) : throw AploException.NotFound());
        return HeketiResults.Json(context, StatusCodes.Status200OK, info, HeketiJsonContext.Default.ClusterInfoResponse);
    }

    private static async Task SetFlagsAsync(HttpContext context, ClusterService clusters)
    {
        var request = await HeketiResults.ReadAsync(context.Request, HeketiJsonContext.Default.ClusterCreateRequest);
        await clusters.SetFlagsAsync(context.Id(), request.File, request.Block, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static async Task DeleteAsync(HttpContext context, ClusterService clusters)
    {
        await clusters.DeleteAsync(context.Id(), context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status200OK;
    }
}
