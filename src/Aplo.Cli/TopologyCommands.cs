using System.Globalization;
using System.Text;
using System.Text.Json;
using Aplo.Contracts;

namespace Aplo.Cli;

internal static class TopologyCommands
{
    public static readonly Command Tree = new("topology", "Load a topology file, or show the whole topology")
    {
        Children =
        [
            new("load", "Add the clusters, nodes and devices of a topology.json that are not there yet")
            {
                Flags = [new("json", 'j', false, "the topology.json file")],
                Run = LoadAsync,
            },
            new("info", "Show every cluster with its volumes, nodes, devices and bricks") { Run = InfoAsync },
        ],
    };

    private static async Task<int> InfoAsync(Invocation i)
    {
        if (i.Json)
        {
            // Printed as the server sent it, unparsed and undecoded: at 10,000 volumes that is most of the time saved.
            return await i.ShowUtf8Async(await TopologyReader.ReadJsonAsync(i, i.Ct));
        }

        var topology = await TopologyReader.ReadSummaryAsync(i, i.Ct);
        return await i.ShowAsync(string.Empty, () => Render(topology));
    }

    internal static string Render(TopologyInfoResponse topology) => Render(TopologySummary.From(topology));

    internal static string Render(TopologySummary topology)
    {
        if (topology.Clusters.Count == 0)
        {
            return "No clusters.\n";
        }

        var text = new StringBuilder();
        var sizes = new SizeNames();
        foreach (var cluster in topology.Clusters)
        {
            text.Append(CultureInfo.InvariantCulture, $"Cluster {cluster.Id}  file: {(cluster.File ? "yes" : "no")}  block: {(cluster.Block ? "yes" : "no")}\n\n");
            text.Append(CultureInfo.InvariantCulture, $"  Volumes ({cluster.Volumes.Count}):\n");
            if (cluster.Volumes.Count == 0)
            {
                text.Append("    none\n");
            }
            else
            {
                Views.VolumeTable(text, 4, cluster.Volumes);
            }

            text.Append(CultureInfo.InvariantCulture, $"\n  Nodes ({cluster.Nodes.Count}):\n");
            var names = cluster.Volumes.ToDictionary(v => v.Id, v => v.Name, StringComparer.Ordinal);
            foreach (var node in cluster.Nodes.OrderBy(n => n.Manage.Count > 0 ? n.Manage[0] : string.Empty, StringComparer.Ordinal))
            {
                text.Append("    ").AppendJoin(',', node.Manage).Append(" (").AppendJoin(',', node.Storage)
                    .Append(CultureInfo.InvariantCulture, $")  zone {node.Zone}  {node.State}  {node.Id}  tags {Output.Tags(node.Tags)}\n");
                if (node.Devices.Count == 0)
                {
                    text.Append("      no devices\n");
                    continue;
                }

                Views.Devices(text, 6, node.Devices);
                foreach (var device in node.Devices.Where(d => d.Bricks.Count > 0).OrderBy(d => d.Name, StringComparer.Ordinal))
                {
                    text.Append(CultureInfo.InvariantCulture, $"        {device.Name}:\n");
                    var bricks = device.Bricks.Select(b => (Brick: b, Volume: names.GetValueOrDefault(b.VolumeId, b.VolumeId))).ToArray();
                    Array.Sort(bricks, (a, b) =>
                    {
                        var byVolume = string.CompareOrdinal(a.Volume, b.Volume);
                        return byVolume != 0 ? byVolume : string.CompareOrdinal(a.Brick.Id, b.Brick.Id);
                    });
                    Output.Table(
                        text,
                        10,
                        ["BRICK", "VOLUME", "SIZE"],
                        bricks.Length,
                        (row, column) => column switch
                        {
                            0 => bricks[row].Brick.Id,
                            1 => bricks[row].Volume,
                            _ => sizes.KiB(bricks[row].Brick.Size),
                        },
                        2);
                }
            }

            text.Append('\n');
        }

        // One trailing newline, as the tables before them end with one.
        while (text.Length > 0 && text[^1] == '\n')
        {
            text.Length--;
        }

        return text.Append('\n').ToString();
    }

    private sealed record FileDevice(string Name, bool DestroyData, IReadOnlyDictionary<string, string>? Tags);

    private sealed record FileNode(NodeAddRequest Node, IReadOnlyList<FileDevice> Devices);

    private sealed record FileCluster(bool File, bool Block, IReadOnlyList<FileNode> Nodes);

    /// <summary>
    /// heketi-cli's loader: nodes are matched by their first manage hostname and devices by name on that node;
    /// what exists is left alone, what is missing is added, nothing is removed. A failure is reported and the
    /// load goes on; a cluster made by this load that ends up empty is deleted again.
    /// </summary>
    private static async Task<int> LoadAsync(Invocation i)
    {
        var path = i.Line.Require("json");
        var clusters = ReadFile(await File.ReadAllTextAsync(i.PathOf(path), i.Ct), path);
        var current = await TopologyReader.ReadAsync(i, i.Ct);
        var known = current.Clusters.SelectMany(c => c.Nodes)
            .Where(n => n.Hostnames.Manage.Count > 0)
            .GroupBy(n => n.Hostnames.Manage[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var failures = 0;
        var o = i.Out;
        foreach (var cluster in clusters)
        {
            string? clusterId = null;
            var created = false;
            var nodesAdded = 0;
            foreach (var fileNode in cluster.Nodes)
            {
                var manage = (fileNode.Node.Hostnames.Manage.Count > 0 ? fileNode.Node.Hostnames.Manage[0] : string.Empty);
                IReadOnlySet<string> existingDevices;
                string nodeId;
                if (known.TryGetValue(manage, out var existing))
                {
                    clusterId ??= existing.ClusterId;
                    nodeId = existing.Id;
                    existingDevices = existing.Devices.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
                    await o.WriteLineAsync($"Found node {manage} on cluster {existing.ClusterId}");
                }
                else
                {
                    if (clusterId is null)
                    {
                        var body = JsonSerializer.Serialize(new ClusterCreateRequest { File = cluster.File, Block = cluster.Block }, HeketiJsonContext.Default.ClusterCreateRequest);
                        clusterId = Invocation.Parse(await i.Api.SendAsync(HttpMethod.Post, "/clusters", body, i.Ct), HeketiJsonContext.Default.ClusterInfoResponse).Id;
                        created = true;
                        await o.WriteLineAsync($"Created cluster {clusterId} (file: {(cluster.File ? "yes" : "no")}, block: {(cluster.Block ? "yes" : "no")})");
                    }

                    try
                    {
                        var request = fileNode.Node with { ClusterId = clusterId };
                        var json = await i.Api.RunAsync(HttpMethod.Post, "/nodes", JsonSerializer.Serialize(request, HeketiJsonContext.Default.NodeAddRequest), "Adding node " + manage, i.Ct);
                        nodeId = Invocation.Parse(json!, HeketiJsonContext.Default.NodeInfoResponse).Id;
                        nodesAdded++;
                        existingDevices = new HashSet<string>();
                        await o.WriteLineAsync($"  Added node {manage} (zone {request.Zone}): {nodeId}");
                    }
                    catch (ServerException ex)
                    {
                        failures++;
                        await o.WriteLineAsync($"  Could not add node {manage}: {ex.Message}");
                        continue;
                    }
                }

                foreach (var device in fileNode.Devices)
                {
                    if (existingDevices.Contains(device.Name))
                    {
                        await o.WriteLineAsync($"    Found device {device.Name}");
                        continue;
                    }

                    try
                    {
                        var request = new DeviceAddRequest { Name = device.Name, NodeId = nodeId, DestroyData = device.DestroyData, Tags = device.Tags };
                        await i.Api.RunAsync(HttpMethod.Post, "/devices", JsonSerializer.Serialize(request, HeketiJsonContext.Default.DeviceAddRequest), $"Adding device {device.Name} on {manage}", i.Ct);
                        await o.WriteLineAsync($"    Added device {device.Name}");
                    }
                    catch (ServerException ex)
                    {
                        failures++;
                        await o.WriteLineAsync($"    Could not add device {device.Name}: {ex.Message}");
                    }
                }
            }

            if (created && nodesAdded == 0)
            {
                await i.Api.SendAsync(HttpMethod.Delete, "/clusters/" + clusterId, null, i.Ct);
                await o.WriteLineAsync($"Deleted cluster {clusterId} again: none of its nodes could be added");
            }
        }

        if (failures > 0)
        {
            await i.Err.WriteLineAsync($"Error: {failures} item(s) of {path} could not be added; see above");
            return ExitCodes.Error;
        }

        return ExitCodes.Ok;
    }

    /// <summary>Heketi's topology.json: cluster flags default to true; devices are names or objects.</summary>
    private static List<FileCluster> ReadFile(string text, string path)
    {
        using var document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        if (!document.RootElement.TryGetProperty("clusters", out var clusters) || clusters.ValueKind != JsonValueKind.Array)
        {
            throw new UsageException($"{path}: no \"clusters\" list; see heketi's topology.json format");
        }

        var result = new List<FileCluster>();
        foreach (var cluster in clusters.EnumerateArray())
        {
            var nodes = new List<FileNode>();
            if (cluster.TryGetProperty("nodes", out var nodeList))
            {
                foreach (var entry in nodeList.EnumerateArray())
                {
                    if (!entry.TryGetProperty("node", out var nodeJson))
                    {
                        throw new UsageException($"{path}: a node entry has no \"node\" object");
                    }

                    var node = nodeJson.Deserialize(HeketiJsonContext.Default.NodeAddRequest) ?? new NodeAddRequest();
                    var devices = new List<FileDevice>();
                    if (entry.TryGetProperty("devices", out var deviceList))
                    {
                        foreach (var device in deviceList.EnumerateArray())
                        {
                            devices.Add(device.ValueKind == JsonValueKind.String
                                ? new FileDevice(device.GetString()!, false, null)
                                : device.Deserialize(HeketiJsonContext.Default.DeviceAddRequest) is { Name: { } name } d
                                    ? new FileDevice(name, d.DestroyData, d.Tags)
                                    : throw new UsageException($"{path}: a device has no name"));
                        }
                    }

                    nodes.Add(new FileNode(node, devices));
                }
            }

            result.Add(new FileCluster(Flag(cluster, "file"), Flag(cluster, "block"), nodes));
        }

        return result;
    }

    private static bool Flag(JsonElement cluster, string name) =>
        !cluster.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.False;
}
