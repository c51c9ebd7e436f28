using Aplo.Contracts;
using Aplo.Core.Errors;
using Aplo.Core.Operations;
using Aplo.Core.Topology;
using Aplo.Server.Http;

namespace Aplo.Server.Endpoints;

public static class NodeEndpoints
{
    public static IEndpointRouteBuilder MapNodes(this IEndpointRouteBuilder app)
    {
        app.MapPost("/nodes", AddAsync);
        app.MapGet("/nodes/{id:regex(^[A-Fa-f0-9]+$)}", Info);
        app.MapDelete("/nodes/{id:regex(^[A-Fa-f0-9]+$)}", DeleteAsync);
        app.MapPost("/nodes/{id:regex(^[A-Fa-f0-9]+$)}/state", SetStateAsync);
        app.MapPost("/nodes/{id:regex(^[A-Fa-f0-9]+$)}/tags", SetTagsAsync);
        return app;
    }

    private static async Task AddAsync(HttpContext context, NodeService nodes)
    {
        var request = await HeketiResults.ReadAsync(context.Request, HeketiJsonContext.Default.NodeAddRequest);
        var spec = new NodeAddSpec(
            request.ClusterId ?? string.Empty,
            request.Zone,
            request.Hostnames.Manage ?? [],
            request.Hostnames.Storage ?? [],
            request.Tags ?? new Dictionary<string, string>());
        var op = await nodes.AddAsync(spec, context.Role(), context.RequestAborted);
        await HeketiResults.Accepted(context, op);
    }

    private static Task Info(HttpContext context, TopologyManager topology)
    {
        var id = context.Id();
        var info = topology.Read(m => TopologyViews.Node(m, NodeService.VisibleNode(m, id)));
        return HeketiResults.Json(context, StatusCodes.Status200OK, info, HeketiJsonContext.Default.NodeInfoResponse);
    }

    private static async Task DeleteAsync(HttpContext context, NodeService nodes)
    {
        var op = await nodes.DeleteAsync(context.Id(), context.Role(), context.RequestAborted);
        await HeketiResults.Accepted(context, op);
    }

    private static async Task SetStateAsync(HttpContext context, NodeService nodes)
    {
        var request = await HeketiResults.ReadAsync(context.Request, HeketiJsonContext.Default.StateRequest);
        var op = await nodes.SetStateAsync(context.Id(), request.State, request.HealCheck, context.Role(), context.RequestAborted);
        await HeketiResults.Accepted(context, op);
    }

    private static async Task SetTagsAsync(HttpContext context, NodeService nodes)
    {
        var request = await HeketiResults.ReadAsync(context.Request, HeketiJsonContext.Default.TagsChangeRequest);
        var tags = await nodes.SetTagsAsync(
            context.Id(), request.Tags ?? throw AploException.Invalid("tags: required"), TagRules.ParseKind(request.ChangeType), context.RequestAborted);
        await HeketiResults.Json(context, StatusCodes.Status200OK, tags, HeketiJsonContext.Default.IReadOnlyDictionaryStringString);
    }
}
