using Aplo.Contracts;
using Aplo.Core.Errors;
using Aplo.Core.Topology;
using Aplo.Server.Http;

namespace Aplo.Server.Endpoints;

/// <summary>
/// Aplo's <c>GET /topology</c>: what heketi-cli's <c>topology info</c> builds from 1 + clusters + volumes + nodes
/// requests, in one answer and one consistent read. Admin only (the auth middleware sees a path other than /volumes).
/// </summary>
public static class TopologyEndpoints
{
    public static IEndpointRouteBuilder MapTopology(this IEndpointRouteBuilder app)
    {
        var full = new TopologyJsonCache(TopologyShape.Heketi);
        var brief = new TopologyJsonCache(TopologyShape.Brief);
        app.MapGet("/topology", (HttpContext context, TopologyManager topology) => Info(context, topology, Brief(context.Request) ? brief : full));
        return app;
    }

    /// <summary><c>?brief=true</c> asks for what topology info's tables show (<see cref="TopologyBriefResponse"/>).</summary>
    private static bool Brief(HttpRequest request)
    {
        var values = request.Query["brief"];
        return values.Count switch
        {
            0 => false,
            1 when bool.TryParse(values[0], out var brief) => brief,
            _ => throw new AploException(ErrorKind.Validation, "brief must be true or false"),
        };
    }

    private static async Task Info(HttpContext context, TopologyManager topology, TopologyJsonCache cache)
    {
        var body = cache.Get(topology);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = HeketiResults.JsonContentType;
        context.Response.ContentLength = body.Length;
        await body.WriteToAsync(context.Response.BodyWriter, context.RequestAborted);
    }

    /// <summary>The brief answer's views built whole: the reference the brief cache must match byte for byte.</summary>
    internal static TopologyBriefResponse BuildBrief(TopologyModel model) => new()
    {
        Clusters =
        [
            .. model.Clusters.Values.OrderBy(c => c.Id, StringComparer.Ordinal).Select(c => new TopologyBriefCluster
            {
                Id = c.Id,
                File = c.File,
                Block = c.Block,
                Volumes = [.. TopologyViews.VisibleVolumes(model, c.Id).Select(v => TopologyViews.VolumeBrief(v, TopologyViews.VisibleBricks(model, v).Count()))],
                Nodes =
                [
                    .. TopologyViews.VisibleNodes(model, c.Id).Select(n => TopologyViews.NodeBrief(
                        n, TopologyViews.VisibleDevices(model, n).Select(d => TopologyViews.DeviceBrief(d, TopologyViews.VisibleBricksOnDevice(model, d))))),
                ],
            }),
        ],
    };

    /// <summary>The answer's views built whole: the reference the cached fragments must match byte for byte.</summary>

    internal static TopologyInfoResponse Build(TopologyModel model) => new()
    {
        Clusters =
        [
            .. model.Clusters.Values.OrderBy(c => c.Id, StringComparer.Ordinal).Select(c =>
            {
                var hosts = TopologyViews.MountHosts(model, c.Id);
                return new TopologyCluster
                {
                    Id = c.Id,
                    File = c.File,
                    Block = c.Block,
                    Volumes = [.. TopologyViews.VisibleVolumes(model, c.Id).Select(v => TopologyViews.Volume(model, v, hosts))],
                    Nodes = [.. TopologyViews.VisibleNodes(model, c.Id).Select(n => TopologyViews.Node(model, n))],
                };
            }),
        ],
    };
}
