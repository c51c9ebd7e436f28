using Aplo.Client;
using Aplo.Contracts;

namespace Aplo.TestKit;

/// <summary>Builds clusters of nodes and devices through the API, the way topology load does.</summary>
public static class TopologyBuilder
{
    /// <summary>One cluster with <paramref name="zones"/> × <paramref name="nodesPerZone"/> nodes, each with <paramref name="devicesPerNode"/> devices.</summary>
    public static async Task<BuiltCluster> BuildAsync(
        HeketiClient client, int zones, int nodesPerZone, int devicesPerNode, CancellationToken ct, string hostPrefix = "node", int subnet = 1)
    {
        var cluster = await client.ClusterCreateAsync(new ClusterCreateRequest { File = true, Block = true }, ct);
        var nodes = new List<NodeInfoResponse>();
        var n = 0;
        for (var z = 1; z <= zones; z++)
        {
            for (var i = 0; i < nodesPerZone; i++)
            {
                n++;
                var node = await client.NodeAddAsync(
                    new NodeAddRequest
                    {
                        ClusterId = cluster.Id,
                        Zone = z,
                        Hostnames = new HostAddresses { Manage = [$"{hostPrefix}{n}.example"], Storage = [$"10.{subnet}.{z}.{n}"] },
                    },
                    ct);
                for (var d = 0; d < devicesPerNode; d++)
                {
                    await client.DeviceAddAsync(new DeviceAddRequest { NodeId = node.Id, Name = $"/dev/sd{(char)('b' + d)}" }, ct);
                }

                nodes.Add(await client.NodeInfoAsync(node.Id, ct));
            }
        }

        return new BuiltCluster(cluster.Id, nodes);
    }
}

public sealed record BuiltCluster(string Id, IReadOnlyList<NodeInfoResponse> Nodes);
