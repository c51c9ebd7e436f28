using System.Text.Json;
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
        var cache = new TopologyCache();
        app.MapGet("/topology", (HttpContext context, TopologyManager topology) => Info(context, topology, cache));
        return app;
    }

    private static async Task Info(HttpContext context, TopologyManager topology, TopologyCache cache)
    {
        var body = cache.Get(topology);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = HeketiResults.JsonContentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

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
                    Volumes =
                    [
                        .. model.VolumeIdsOf(c.Id)
                            .Select(id => model.Volumes[id])
                            .Where(v => VolumeService.IsVisible(model, v))
                            .Select(v => TopologyViews.Volume(model, v, hosts)),
                    ],
                    Nodes =
                    [
                        .. model.NodeIdsOf(c.Id)
                            .Select(id => model.Nodes[id])
                            .Where(n => n.PendingOperationId is null)
                            .Select(n => TopologyViews.Node(model, n)),
                    ],
                };
            }),
        ],
    };

    /// <summary>
    /// The serialized answer for one version of the model. At 10,000 volumes the answer is ~24 MiB and takes a few
    /// hundred milliseconds to build; repeated reads of an unchanged topology (an operator re-running topology info,
    /// a dashboard polling) then cost only the copy. Views are built under the read lock; serializing happens after.
    /// </summary>
    private sealed class TopologyCache
    {
        private volatile Entry? last;

        public byte[] Get(TopologyManager topology)
        {
            if (last is { } hit && hit.Version == topology.Version)
            {
                return hit.Body;
            }

            var (version, info) = topology.Read(m => (topology.Version, Build(m)));
            var body = JsonSerializer.SerializeToUtf8Bytes(info, HeketiJsonContext.Default.TopologyInfoResponse);
            last = new Entry(version, body);
            return body;
        }

        private sealed record Entry(long Version, byte[] Body);
    }
}
