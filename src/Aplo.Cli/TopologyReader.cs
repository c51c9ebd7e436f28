using System.Text.Json;
using Aplo.Contracts;

namespace Aplo.Cli;

/// <summary>
/// Reads the whole topology: Aplo's GET /topology in one request, or, when the server answers 404 for it (plain
/// Heketi), heketi-cli's fan-out: the cluster list, each cluster, each of its nodes and volumes.
/// </summary>
internal static class TopologyReader
{
    public static async Task<TopologyInfoResponse> ReadAsync(Invocation i, CancellationToken ct)
    {
        try
        {
            return JsonSerializer.Deserialize(await i.Api.GetUtf8Async("/topology", ct), HeketiJsonContext.Default.TopologyInfoResponse)
                ?? throw new JsonException("the server answered an empty body");
        }
        catch (ServerException ex) when (ex.RouteMissing)
        {
            return await FanOutAsync(i.Api, ct);
        }
    }

    /// <summary>
    /// What the tables show: read straight from the bytes of GET /topology?brief=true (about a fifth of the full
    /// answer), or from the fan-out's answer.
    /// </summary>
    public static async Task<TopologySummary> ReadSummaryAsync(Invocation i, CancellationToken ct)
    {
        try
        {
            return TopologySummary.Parse(await i.Api.GetUtf8Async("/topology?brief=true", ct));
        }
        catch (ServerException ex) when (ex.RouteMissing)
        {
            return TopologySummary.From(await FanOutAsync(i.Api, ct));
        }
    }

    /// <summary>The topology's JSON as UTF-8, parsed only when it has to be assembled by fanning out.</summary>
    public static async Task<byte[]> ReadJsonAsync(Invocation i, CancellationToken ct)
    {
        try
        {
            return await i.Api.GetUtf8Async("/topology", ct);
        }
        catch (ServerException ex) when (ex.RouteMissing)
        {
            return JsonSerializer.SerializeToUtf8Bytes(await FanOutAsync(i.Api, ct), HeketiJsonContext.Default.TopologyInfoResponse);
        }
    }

    private static async Task<TopologyInfoResponse> FanOutAsync(Api api, CancellationToken ct)
    {
        var ids = Invocation.Parse(await api.GetAsync("/clusters", ct), HeketiJsonContext.Default.ClusterListResponse).Clusters;
        var clusters = new List<TopologyCluster>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct };
        foreach (var id in ids)
        {
            var cluster = Invocation.Parse(await api.GetAsync("/clusters/" + id, ct), HeketiJsonContext.Default.ClusterInfoResponse);
            var volumes = new VolumeInfoResponse[cluster.Volumes.Count];
            var nodes = new NodeInfoResponse[cluster.Nodes.Count];
            await Parallel.ForAsync(0, volumes.Length, parallel, async (n, c) =>
                volumes[n] = Invocation.Parse(await api.GetAsync("/volumes/" + cluster.Volumes[n], c), HeketiJsonContext.Default.VolumeInfoResponse));
            await Parallel.ForAsync(0, nodes.Length, parallel, async (n, c) =>
                nodes[n] = Invocation.Parse(await api.GetAsync("/nodes/" + cluster.Nodes[n], c), HeketiJsonContext.Default.NodeInfoResponse));
            clusters.Add(new TopologyCluster { Id = cluster.Id, File = cluster.File, Block = cluster.Block, Volumes = volumes, Nodes = nodes });
        }

        return new TopologyInfoResponse { Clusters = clusters };
    }
}
