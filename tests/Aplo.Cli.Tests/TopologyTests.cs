namespace Aplo.Cli.Tests;

/// <summary>topology info in one request from Aplo, and heketi-cli's fan-out against a server without GET /topology.</summary>
public sealed class TopologyTests : IAsyncLifetime
{
    private CliHarness cli = null!;

    public async ValueTask InitializeAsync() => cli = await CliHarness.StartAsync();

    public async ValueTask DisposeAsync() => await cli.DisposeAsync();

    [Fact]
    public async Task AgainstPlainHeketi_TopologyInfoFansOut_AndShowsTheSame()
    {
        await File.WriteAllTextAsync(cli.File("t.json"), CliHarness.ThreeNodeTopology, TestContext.Current.CancellationToken);
        await cli.OkAsync("topology", "load", "--json=t.json");
        await cli.OkAsync("volume", "create", "--size=3");
        await cli.OkAsync("volume", "create", "--size=4", "--durability=none");

        await using var proxy = await PlainHeketiProxy.StartAsync(cli.Host.Address);
        var viaProxy = cli.Variables();
        viaProxy["HEKETI_CLI_SERVER"] = proxy.Address.ToString();

        var direct = await cli.OkAsync("topology", "info");
        var fanned = await cli.RunAsync(viaProxy, "topology", "info");
        Assert.Equal(0, fanned.Code);
        Assert.Equal(direct, fanned.Out);

        // One GET /topology refused, then the cluster list, the cluster, 2 volumes and 3 nodes.
        var seen = proxy.Requests.ToArray();
        Assert.Equal(8, seen.Length);
        Assert.Equal("GET /topology", seen[0]);
        Assert.Equal(2, seen.Count(r => r.StartsWith("GET /volumes/", StringComparison.Ordinal)));
        Assert.Equal(3, seen.Count(r => r.StartsWith("GET /nodes/", StringComparison.Ordinal)));

        // The JSON heketi-cli would print is the shape Aplo's route answers.
        Assert.Equal(await cli.OkAsync("topology", "info", "--json"), (await cli.RunAsync(viaProxy, "topology", "info", "--json")).Out);
    }

    [Fact]
    public async Task TopologyLoad_AgainstPlainHeketi_IsIdempotentToo()
    {
        await using var proxy = await PlainHeketiProxy.StartAsync(cli.Host.Address);
        var viaProxy = cli.Variables();
        viaProxy["HEKETI_CLI_SERVER"] = proxy.Address.ToString();
        await File.WriteAllTextAsync(cli.File("t.json"), CliHarness.ThreeNodeTopology, TestContext.Current.CancellationToken);
        var first = await cli.RunAsync(viaProxy, "topology", "load", "--json=t.json");
        Assert.True(first.Code == 0, first.ToString());
        var again = await cli.RunAsync(viaProxy, "topology", "load", "--json=t.json");
        Assert.Equal(0, again.Code);
        Assert.DoesNotContain("Added", again.Out, StringComparison.Ordinal);
        Assert.Equal(3, again.Out.Split('\n').Count(l => l.StartsWith("Found node", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TopologyLoad_AddsOnlyWhatIsMissing_AndReportsFailuresButGoesOn()
    {
        await File.WriteAllTextAsync(cli.File("t.json"), CliHarness.ThreeNodeTopology, TestContext.Current.CancellationToken);
        await cli.OkAsync("topology", "load", "--json=t.json");

        // A fourth node and a new device on node1; a device with a bad name fails and the rest still happens.
        const string grown = """
            {"clusters":[{"nodes":[
              {"node":{"hostnames":{"manage":["node1.example"],"storage":["10.0.1.1"]},"zone":1},"devices":["/dev/sdb","/dev/sdc","/dev/sdd","/dev/bad name"]},
              {"node":{"hostnames":{"manage":["node2.example"],"storage":["10.0.2.1"]},"zone":2},"devices":["/dev/sdb","/dev/sdc"]},
              {"node":{"hostnames":{"manage":["node3.example"],"storage":["10.0.3.1"]},"zone":3},"devices":["/dev/sdb","/dev/sdc"]},
              {"node":{"hostnames":{"manage":["node4.example"],"storage":["10.0.1.4"]},"zone":1},"devices":["/dev/sdb"]}]}]}
            """;
        await File.WriteAllTextAsync(cli.File("grown.json"), grown, TestContext.Current.CancellationToken);
        var result = await cli.RunAsync("topology", "load", "--json=grown.json");
        Assert.Equal(ExitCodes.Error, result.Code);
        Assert.Contains("    Added device /dev/sdd\n", result.Out, StringComparison.Ordinal);
        Assert.Contains("    Could not add device /dev/bad name: validation failed", result.Out, StringComparison.Ordinal);
        Assert.Contains("  Added node node4.example (zone 1)", result.Out, StringComparison.Ordinal);
        Assert.Contains("1 item(s) of grown.json could not be added", result.Err, StringComparison.Ordinal);
        Assert.Equal(4, (await cli.OkAsync("node", "list")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1);
        Assert.Single((await cli.OkAsync("cluster", "list")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1));
    }

    [Fact]
    public async Task TopologyLoad_OfAMissingFile_IsAnError()
    {
        var result = await cli.RunAsync("topology", "load", "--json=nope.json");
        Assert.Equal(ExitCodes.Error, result.Code);
        Assert.Contains("nope.json", result.Err, StringComparison.Ordinal);
    }
}
