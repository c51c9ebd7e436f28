using Aplo.Contracts;
using Aplo.Core.Operations;
using Aplo.Core.Topology;
using Aplo.Server.Http;

namespace Aplo.Server.Endpoints;

public static class VolumeEndpoints
{
    public static IEndpointRouteBuilder MapVolumes(this IEndpointRouteBuilder app)
    {
        app.MapPost("/volumes", CreateAsync);
        app.MapGet("/volumes", List);
        app.MapGet("/volumes/{id:regex(^[A-Fa-f0-9]+$)}", Info);
        app.MapDelete("/volumes/{id:regex(^[A-Fa-f0-9]+$)}", DeleteAsync);
        app.MapPost("/volumes/{id:regex(^[A-Fa-f0-9]+$)}/expand", ExpandAsync);
        return app;
    }

    private static async Task CreateAsync(HttpContext context, VolumeService volumes)
    {
        var request = await HeketiResults.ReadAsync(context.Request, HeketiJsonContext.Default.VolumeCreateRequest);
        var durability = request.Durability;
        var spec = new VolumeCreateSpec(
            request.Size,
            request.Name is "" ? null : request.Name,
            request.Clusters ?? [],
            new RequestedDurability(durability?.Type, durability?.Replicate?.Replica ?? 0, durability?.Disperse?.Data ?? 0, durability?.Disperse?.Redundancy ?? 0),
            request.Gid,
            request.GlusterVolumeOptions ?? [],
            request.Snapshot?.Enable ?? false,
            request.Snapshot?.Factor ?? 0,
            request.Block);
        var op = await volumes.CreateAsync(spec, context.Role(), context.RequestAborted);
        await HeketiResults.Accepted(context, op);
    }

    private static Task List(HttpContext context, TopologyManager topology)
    {
        var list = topology.Read(m => new VolumeListResponse
        {
            Volumes = [.. m.Volumes.Values.Where(v => VolumeService.IsVisible(m, v)).Select(v => v.Id)],
        });
        return HeketiResults.Json(context, StatusCodes.Status200OK, list, HeketiJsonContext.Default.VolumeListResponse);
    }

    private static Task Info(HttpContext context, TopologyManager topology)
    {
        var id = context.Id();
        var info = topology.Read(m => TopologyViews.Volume(m, VolumeService.VisibleVolume(m, id)));
        return HeketiResults.Json(context, StatusCodes.Status200OK, info, HeketiJsonContext.Default.VolumeInfoResponse);
    }

    private static async Task DeleteAsync(HttpContext context, VolumeService volumes)
    {
        var op = await volumes.DeleteAsync(context.Id(), context.Role(), context.RequestAborted);
        await HeketiResults.Accepted(context, op);
    }

    private static async Task ExpandAsync(HttpContext context, VolumeService volumes)
    {
        var request = await HeketiResults.ReadAsync(context.Request, HeketiJsonContext.Default.VolumeExpandRequest);
        var op = await volumes.ExpandAsync(context.Id(), request.ExpandSize, context.Role(), context.RequestAborted);
        await HeketiResults.Accepted(context, op);
    }
}
