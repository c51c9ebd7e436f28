using System.Globalization;
using System.Text.Json;
using Aplo.Contracts;

namespace Aplo.Cli;

internal static class NodeCommands
{
    public static readonly Command Tree = new("node", "Add, inspect, enable, disable and remove nodes")
    {
        Children =
        [
            new("add", "Add a node to a cluster")
            {
                Flags =
                [
                    new("zone", null, false, "failure zone of the node (1 or more)", "-1"),
                    new("cluster", null, false, "cluster id"),
                    new("management-host-name", null, false, "hostname or IP the server manages the node by"),
                    new("storage-host-name", null, false, "hostname or IP Gluster traffic uses"),
                ],
                Run = AddAsync,
            },
            new("list", "List nodes") { Run = ListAsync },
            new("info", "Show a node and its devices", "<node-id>") { Run = InfoAsync },
            new("enable", "Put a node online", "<node-id>") { Run = i => StateAsync(i, "online", "is now online") },
            new("disable", "Take a node offline (no new bricks)", "<node-id>") { Run = i => StateAsync(i, "offline", "is now offline") },
            new("remove", "Move every brick off an offline node (state failed)", "<node-id>")
            {
                Flags = [HealCheckFlag],
                Run = i => StateAsync(i, "failed", "is removed: its bricks were moved"),
            },
            new("delete", "Delete a node without devices", "<node-id>") { Run = DeleteAsync },
            new("settags", "Set tags on a node", "<node-id> key:value...")
            {
                Flags = [new("exact", 'e', true, "replace all tags with these")],
                Run = i => SetTagsAsync(i, "nodes"),
            },
            new("rmtags", "Remove tags from a node", "<node-id> key...")
            {
                Flags = [new("all", null, true, "remove every tag")],
                Run = i => RemoveTagsAsync(i, "nodes"),
            },
        ],
    };

    public static readonly Command BrickTree = new("brick", "Act on single bricks")
    {
        Children =
        [
            new("evict", "Move a brick to another device", "<brick-id>")
            {
                Flags = [HealCheckFlag],
                Run = EvictAsync,
            },
        ],
    };

    internal static Flag HealCheckFlag => new("expert-option-disable-heal-check", null, true, "skip the heal check (expert option)");

    private static async Task<int> AddAsync(Invocation i)
    {
        var zone = i.Line.Long("zone", -1);
        if (zone < 1)
        {
            throw new UsageException("'aplo node add' needs --zone (1 or more)");
        }

        var request = new NodeAddRequest
        {
            Zone = (int)zone,
            ClusterId = i.Line.RequireId("cluster"),
            Hostnames = new HostAddresses { Manage = [i.Line.Require("management-host-name")], Storage = [i.Line.Require("storage-host-name")] },
        };
        var json = await i.Api.RunAsync(HttpMethod.Post, "/nodes", JsonSerializer.Serialize(request, HeketiJsonContext.Default.NodeAddRequest), "Adding node " + request.Hostnames.Manage[0], i.Ct)
            ?? throw new JsonException("the server finished the node add without the node");
        return await i.ShowAsync(json, () => Views.Node(Invocation.Parse(json, HeketiJsonContext.Default.NodeInfoResponse)));
    }

    private static async Task<int> ListAsync(Invocation i)
    {
        var clusterIds = Invocation.Parse(await i.Api.GetAsync("/clusters", i.Ct), HeketiJsonContext.Default.ClusterListResponse).Clusters;
        var clusters = new ClusterInfoResponse[clusterIds.Count];
        await Parallel.ForAsync(0, clusterIds.Count, Options(i), async (n, ct) =>
            clusters[n] = Invocation.Parse(await i.Api.GetAsync("/clusters/" + clusterIds[n], ct), HeketiJsonContext.Default.ClusterInfoResponse));
        var nodeIds = clusters.SelectMany(c => c.Nodes).ToList();
        if (i.Json)
        {
            // heketi-cli has no JSON form for node list; this is Aplo's: the node infos.
            var raw = new string[nodeIds.Count];
            await Parallel.ForAsync(0, nodeIds.Count, Options(i), async (n, ct) => raw[n] = (await i.Api.GetAsync("/nodes/" + nodeIds[n], ct)).TrimEnd('\n'));
            return await i.ShowAsync("{\"nodes\":[" + string.Join(",", raw) + "]}", () => string.Empty);
        }

        var nodes = new NodeInfoResponse[nodeIds.Count];
        await Parallel.ForAsync(0, nodeIds.Count, Options(i), async (n, ct) =>
            nodes[n] = Invocation.Parse(await i.Api.GetAsync("/nodes/" + nodeIds[n], ct), HeketiJsonContext.Default.NodeInfoResponse));
        return nodes.Length == 0 ? await i.SayAsync("No nodes.") : await i.ShowAsync(string.Empty, () => NodeTable(nodes));
    }

    internal static string NodeTable(IEnumerable<NodeInfoResponse> nodes) => Output.Table(
        ["ID", "CLUSTER", "ZONE", "MANAGE", "STORAGE", "STATE", "DEVICES", "FREE"],
        nodes.OrderBy(n => n.ClusterId, StringComparer.Ordinal).ThenBy(n => (n.Hostnames.Manage.Count > 0 ? n.Hostnames.Manage[0] : string.Empty), StringComparer.Ordinal).Select(n => (IReadOnlyList<string>)
        [
            n.Id, n.ClusterId, n.Zone.ToString(CultureInfo.InvariantCulture), string.Join(",", n.Hostnames.Manage), string.Join(",", n.Hostnames.Storage),
            n.State, n.Devices.Count.ToString(CultureInfo.InvariantCulture), Output.KiB(n.Devices.Sum(d => d.Storage.Free)),
        ]),
        2, 6, 7);

    private static async Task<int> InfoAsync(Invocation i)
    {
        var json = await i.Api.GetAsync("/nodes/" + i.Line.Id("node id"), i.Ct);
        return await i.ShowAsync(json, () => Views.Node(Invocation.Parse(json, HeketiJsonContext.Default.NodeInfoResponse)));
    }

    internal static async Task<int> StateAsync(Invocation i, string state, string done, string kind = "nodes")
    {
        var id = i.Line.Id(kind == "nodes" ? "node id" : "device id");
        var request = new StateRequest { State = state, HealCheck = i.Line.Bool("expert-option-disable-heal-check") ? "disable" : string.Empty };
        await i.Api.RunAsync(HttpMethod.Post, $"/{kind}/{id}/state", JsonSerializer.Serialize(request, HeketiJsonContext.Default.StateRequest), $"Setting {kind[..^1]} {id} {state}", i.Ct);
        return await i.SayAsync($"{(kind == "nodes" ? "Node" : "Device")} {id} {done}");
    }

    private static async Task<int> DeleteAsync(Invocation i)
    {
        var id = i.Line.Id("node id");
        await i.Api.RunAsync(HttpMethod.Delete, "/nodes/" + id, null, "Deleting node " + id, i.Ct);
        return await i.SayAsync($"Node {id} deleted");
    }

    internal static async Task<int> SetTagsAsync(Invocation i, string kind)
    {
        if (i.Line.Arguments.Count < 2)
        {
            throw new UsageException($"'aplo {i.Line.Name}' needs an id and at least one key:value");
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in i.Line.Arguments.Skip(1))
        {
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new UsageException($"tag '{pair}' is not key:value");
            }

            tags[pair[..colon]] = pair[(colon + 1)..];
        }

        return await ChangeTagsAsync(i, kind, tags, i.Line.Bool("exact") ? "set" : "update");
    }

    internal static async Task<int> RemoveTagsAsync(Invocation i, string kind)
    {
        if (i.Line.Bool("all"))
        {
            return i.Line.Arguments.Count == 1
                ? await ChangeTagsAsync(i, kind, new Dictionary<string, string>(), "set")
                : throw new UsageException($"'aplo {i.Line.Name} --all' takes only the id");
        }

        if (i.Line.Arguments.Count < 2)
        {
            throw new UsageException($"'aplo {i.Line.Name}' needs an id and at least one key (or --all)");
        }

        return await ChangeTagsAsync(i, kind, i.Line.Arguments.Skip(1).Distinct().ToDictionary(k => k, _ => string.Empty), "delete");
    }

    private static async Task<int> ChangeTagsAsync(Invocation i, string kind, Dictionary<string, string> tags, string change)
    {
        var id = ParsedLine.CheckId(i.Line.Arguments[0], "id");
        var request = new TagsChangeRequest { Tags = tags, ChangeType = change };
        var json = await i.Api.SendAsync(HttpMethod.Post, $"/{kind}/{id}/tags", JsonSerializer.Serialize(request, HeketiJsonContext.Default.TagsChangeRequest), i.Ct);
        var now = JsonSerializer.Deserialize(json, HeketiJsonContext.Default.IReadOnlyDictionaryStringString);
        return await i.ShowAsync(json, () => $"Tags: {Output.Tags(now)}\n");
    }

    private static async Task<int> EvictAsync(Invocation i)
    {
        var id = i.Line.Id("brick id");
        var body = i.Line.Bool("expert-option-disable-heal-check") ? """{"healcheck":"disable"}""" : null;
        await i.Api.RunAsync(HttpMethod.Post, "/bricks/to-evict/" + id, body, "Evicting brick " + id, i.Ct);
        return await i.SayAsync($"Brick {id} evicted");
    }

    internal static ParallelOptions Options(Invocation i) => new() { MaxDegreeOfParallelism = 8, CancellationToken = i.Ct };
}
