namespace Aplo.Cli.Tests;

/// <summary>
/// One operator session against a fresh server with sequential ids; every table, the --json answers and the
/// PersistentVolume manifests are compared with reviewed files in Golden/.
/// </summary>
public sealed class GoldenTests : IAsyncLifetime
{
    private CliHarness cli = null!;

    public async ValueTask InitializeAsync() => cli = await CliHarness.StartAsync();

    public async ValueTask DisposeAsync() => await cli.DisposeAsync();

    [Fact]
    public async Task Session_PrintsTheReviewedTablesJsonAndManifests()
    {
        await File.WriteAllTextAsync(cli.File("topology.json"), CliHarness.ThreeNodeTopology, TestContext.Current.CancellationToken);
        Golden.Match("topology-load.txt", await cli.OkAsync("topology", "load", "--json=topology.json"));
        Golden.Match("topology-load-again.txt", await cli.OkAsync("topology", "load", "-j", "topology.json"));
        Golden.Match("cluster-list.txt", await cli.OkAsync("cluster", "list"));
        Golden.Match("node-list.txt", await cli.OkAsync("node", "list"));

        var created = await cli.OkAsync("volume", "create", "--size=10", "--replica=3", "--name=app", "--gluster-volume-options=performance.rda-cache-limit 10MB");
        Golden.Match("volume-create.txt", created);
        var id = created.Split('\n')[0].Split(':')[1].Trim();
        await cli.OkAsync("volume", "create", "--size", "2", "--durability=none", "--gid=2001", "--snapshot-factor=1.5");
        Golden.Match("volume-info.json", await cli.OkAsync("volume", "info", id, "--json"));
        Golden.Match("volume-list.txt", await cli.OkAsync("volume", "list"));

        var firstNode = (await cli.OkAsync("node", "list")).Split('\n')[1].Split(' ')[0];
        var nodeInfo = await cli.OkAsync("node", "info", firstNode);
        Golden.Match("node-info.txt", nodeInfo);
        var device = nodeInfo.Split('\n').First(l => l.StartsWith("/dev/sdb", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        Golden.Match("device-info.txt", await cli.OkAsync("device", "info", device));

        Golden.Match("topology-info.txt", await cli.OkAsync("topology", "info"));
        Golden.Match("topology-info.json", await cli.OkAsync("--json", "topology", "info"));

        Golden.Match("pv-glusterfs.json", await cli.OkAsync("volume", "create", "--size=1", "--gid=2002", "--persistent-volume", "--persistent-volume-endpoint=glusterfs-cluster"));
        await cli.OkAsync("volume", "create", "--size=1", "--persistent-volume-file=pv-csi.json", "--persistent-volume-format=csi");
        Golden.Match("pv-csi.json", await File.ReadAllTextAsync(cli.File("pv-csi.json"), TestContext.Current.CancellationToken));
        Golden.Match("pool.txt", await cli.OkAsync("volume", "pool", "--count=3", "--size=1", "--name=pool", "--persistent-volume-format=csi", "--persistent-volume-file=pool.json"));
        Golden.Match("pool.json", await File.ReadAllTextAsync(cli.File("pool.json"), TestContext.Current.CancellationToken));

        Golden.Match("operations-info.txt", await cli.OkAsync("server", "operations", "info"));
    }
}
