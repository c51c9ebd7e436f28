using Aplo.Contracts;
using Aplo.Core.Errors;
using Aplo.Core.Operations;
using Aplo.Core.Topology;
using Aplo.Server.Http;

namespace Aplo.Server.Endpoints;

public static class DeviceEndpoints
{
    public static IEndpointRouteBuilder MapDevices(this IEndpointRouteBuilder app)
    {
        app.MapPost("/devices", AddAsync);
        app.MapGet("/devices/{id:regex(^[A-Fa-f0-9]+$)}", Info);
        app.MapDelete("/devices/{id:regex(^[A-Fa-f0-9]+$)}", DeleteAsync);
        app.MapPost("/devices/{id:regex(^[A-Fa-f0-9]+$)}/state", SetStateAsync);
        app.MapPost("/devices/{id:regex(^[A-Fa-f0-9]+$)}/tags", SetTagsAsync);
        app.MapGet("/devices/{id:regex(^[A-Fa-f0-9]+$)}/resync", Resync);
        return app;
    }

    private static async Task AddAsync(HttpContext context, DeviceService devices)
    {
        var request = await HeketiResults.ReadAsync(context.Request, HeketiJsonContext.Default.DeviceAddRequest);
        var spec = new DeviceAddSpec(
            request.NodeId ?? string.Empty, request.Name ?? string.Empty, request.Tags ?? new Dictionary<string, string>(), request.DestroyData);
        var op = await devices.AddAsync(spec, context.Role(), context.RequestAborted);
        await HeketiResults.Accepted(context, op);
    }

    private static Task Info(HttpContext context, TopologyManager topology)
    {
        var id = context.Id();
        var info = topology.Read(m => TopologyViews.Device(m, DeviceService.VisibleDevice(m, id)));
        return HeketiResults.Json(context, StatusCodes.Status200OK, info, HeketiJsonContext.Default.DeviceInfoResponse);
    }

    private static async Task DeleteAsync(HttpContext context, DeviceService devices)
    {
        // The optional body ({"forceforget": bool}) must still parse; forget mode is not offered yet.
        await HeketiResults.ReadOptionalAsync(context.Request, HeketiJsonContext.Default.DeviceDeleteRequest, new DeviceDeleteRequest());
        var op = await devices.DeleteAsync(context.Id(), context.Role(), context.RequestAborted);
        await HeketiResults.Accepted(context, op);
    }

    private static async Task SetStateAsync(HttpContext context, DeviceService devices)
    {
        var request = await HeketiResults.ReadAsync(context.Request, HeketiJsonContext.Default.StateRequest);
        var op = await devices.SetStateAsync(context.Id(), request.State, request.HealCheck, context.Role(), context.RequestAborted);
        await HeketiResults.Accepted(context, op);
    }

    private static async Task SetTagsAsync(HttpContext context, DeviceService devices)
    {
        var request = await HeketiResults.ReadAsync(context.Request, HeketiJsonContext.Default.TagsChangeRequest);
        var tags = await devices.SetTagsAsync(
            context.Id(), request.Tags ?? throw AploException.Invalid("tags: required"), TagRules.ParseKind(request.ChangeType), context.RequestAborted);
        await HeketiResults.Json(context, StatusCodes.Status200OK, tags, HeketiJsonContext.Default.IReadOnlyDictionaryStringString);
    }

    private static Task Resync(HttpContext context, DeviceService devices) =>
        HeketiResults.Accepted(context, devices.Resync(context.Id(), context.Role()));
}
