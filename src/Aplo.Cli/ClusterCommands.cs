using System.Globalization;
using System.Text.Json;
using Aplo.Contracts;

namespace Aplo.Cli;

internal static class ClusterCommands
{
    private static readonly Flag[] FlagsOfCluster =
    [
        new("block", null, true, "allow block volumes on the cluster", "true"),
        new("file", null, true, "allow file volumes on the cluster", "true"),
    ];

    public static readonly Command Tree = new("cluster", "Create, list, inspect and delete clusters")
    {
        Children =
        [
            new("create", "Create a cluster") { Flags = FlagsOfCluster, Run = CreateAsync },
            new("setflags", "Set a cluster's file and block flags", "<cluster-id>") { Flags = FlagsOfCluster, Run = SetFlagsAsync },
            new("list", "List clusters") { Run = ListAsync },
            new("info", "Show a cluster", "<cluster-id>") { Run = InfoAsync },
            new("delete", "Delete an empty cluster", "<cluster-id>") { Run = DeleteAsync },
        ],
    };

    private static string FlagsBody(Invocation i, bool file, bool block) =>
        JsonSerializer.Serialize(new ClusterCreateRequest { File = i.Line.Bool("file", file), Block = i.Line.Bool("block", block) }, HeketiJsonContext.Default.ClusterCreateRequest);

    private static async Task<int> CreateAsync(Invocation i)
    {
        // heketi-cli sends both flags true unless told otherwise (the server's defaults are false).
        var json = await i.Api.SendAsync(HttpMethod.Post, "/clusters", FlagsBody(i, true, true), i.Ct);
        var cluster = Invocation.Parse(json, HeketiJsonContext.Default.ClusterInfoResponse);
        return await i.ShowAsync(json, () => $"Cluster id: {cluster.Id}\n");
    }

    private static async Task<int> SetFlagsAsync(Invocation i)
    {
        var id = i.Line.Id("cluster id");
        if (!i.Line.Has("file") && !i.Line.Has("block"))
        {
            throw new UsageException("'aplo cluster setflags' needs --file and/or --block");
        }

        // The route overwrites both flags, so the one not given keeps its current value.
        var current = Invocation.Parse(await i.Api.GetAsync("/clusters/" + id, i.Ct), HeketiJsonContext.Default.ClusterInfoResponse);
        await i.Api.SendAsync(HttpMethod.Post, $"/clusters/{id}/flags", FlagsBody(i, current.File, current.Block), i.Ct);
        return await i.SayAsync($"Cluster {id}: file {(i.Line.Bool("file", current.File) ? "on" : "off")}, block {(i.Line.Bool("block", current.Block) ? "on" : "off")}");
    }

    private static async Task<int> ListAsync(Invocation i)
    {
        var json = await i.Api.GetAsync("/clusters", i.Ct);
        if (i.Json)
        {
            return await i.ShowAsync(json, () => string.Empty);
        }

        var ids = Invocation.Parse(json, HeketiJsonContext.Default.ClusterListResponse).Clusters;
        var clusters = new ClusterInfoResponse[ids.Count];
        await Parallel.ForAsync(0, ids.Count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = i.Ct }, async (n, ct) =>
            clusters[n] = Invocation.Parse(await i.Api.GetAsync("/clusters/" + ids[n], ct), HeketiJsonContext.Default.ClusterInfoResponse));
        if (clusters.Length == 0)
        {
            return await i.SayAsync("No clusters.");
        }

        return await i.ShowAsync(json, () => Output.Table(
            ["ID", "FILE", "BLOCK", "NODES", "VOLUMES"],
            clusters.OrderBy(c => c.Id, StringComparer.Ordinal).Select(c => (IReadOnlyList<string>)
            [
                c.Id, c.File ? "yes" : "no", c.Block ? "yes" : "no",
                c.Nodes.Count.ToString(CultureInfo.InvariantCulture), c.Volumes.Count.ToString(CultureInfo.InvariantCulture),
            ]),
            3, 4));
    }

    private static async Task<int> InfoAsync(Invocation i)
    {
        var json = await i.Api.GetAsync("/clusters/" + i.Line.Id("cluster id"), i.Ct);
        return await i.ShowAsync(json, () => Views.Cluster(Invocation.Parse(json, HeketiJsonContext.Default.ClusterInfoResponse)));
    }

    private static async Task<int> DeleteAsync(Invocation i)
    {
        var id = i.Line.Id("cluster id");
        await i.Api.SendAsync(HttpMethod.Delete, "/clusters/" + id, null, i.Ct);
        return await i.SayAsync($"Cluster {id} deleted");
    }
}
