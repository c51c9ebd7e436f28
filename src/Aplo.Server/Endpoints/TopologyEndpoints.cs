using Aplo.Contracts;
using Aplo.Core.Operations;
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
        app.MapGet("/topology", Info);
        return app;
    }

    private static Task Info(HttpContext context, TopologyManager topology)
    {
        // Views are built under the read lock; serializing (the larger cost at 10,000 volumes) happens after it.
        var info = topology.Read(Build);
        return HeketiResults.Json(context, StatusCodes.Status200OK, info, HeketiJsonContext.Default.TopologyInfoResponse);
    }

    internal static TopologyInfoResponse Build(TopologyModel model) => new()
    {
        Clusters =
        [
            .. model.Clusters.Values.OrderBy(c => c.Id, StringComparer.Ordinal).Select(c => new TopologyCluster
            {
                Id = c.Id,
                File = c.File,
                Block = c.Block,
                Volumes =
                [
                    .. model.VolumeIdsOf(c.Id)
                        .Select(id => model.Volumes[id])
                        .Where(v => VolumeService.IsVisible(model, v))
                        .Select(v => TopologyViews.Volume(model, v)),
                ],
                Nodes =
                [
                    .. model.NodeIdsOf(c.Id)
                        .Select(id => model.Nodes[id])
                        .Where(n => n.PendingOperationId is null)
                        .Select(n => TopologyViews.Node(model, n)),
                ],
            }),
        ],
    };
}
