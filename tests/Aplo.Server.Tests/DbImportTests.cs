using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aplo.Contracts;
using Aplo.Server.Database;
using Aplo.TestKit;

namespace Aplo.Server.Tests;

/// <summary>
/// The migration path: a dump in Heketi's exact format (DbFixtures/heketi-dump.json: one cluster, three nodes in
/// three zones, two devices each, replica 3 volumes including an expanded one and an arbiter one, and a disperse
/// 2+1 volume) is imported into a new database, a server is started on it, and every API view must say what the
/// dump says.
/// </summary>
public sealed class DbImportTests : IAsyncLifetime
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "aplo-db-" + Guid.NewGuid().ToString("N"));
    private AploHost? host;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string FixturePath([CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, "DbFixtures", "heketi-dump.json");

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(directory);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (host is not null)
        {
            await host.DisposeAsync();
        }

        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Import_HeketiDump_EveryApiViewReadsBackTheDump()
    {
        var dump = ReadFixture();
        var client = await ImportAndStartAsync(FixturePath());

        var cluster = Assert.Single(dump.Clusters!.Values).Info;
        Assert.Equal([cluster.Id], (await client.ClusterListAsync(Ct)).Clusters);
        var clusterInfo = await client.ClusterInfoAsync(cluster.Id, Ct);
        Assert.Equal(cluster.Nodes, clusterInfo.Nodes);
        Assert.Equal(cluster.Volumes, clusterInfo.Volumes);
        Assert.Equal((cluster.Block, cluster.File), (clusterInfo.Block, clusterInfo.File));

        foreach (var node in dump.Nodes!.Values)
        {
            var info = await client.NodeInfoAsync(node.Info.Id!, Ct);
            Assert.Equal(node.Info.Zone, info.Zone);
            Assert.Equal(node.Info.ClusterId, info.ClusterId);
            Assert.Equal(node.Info.Hostnames.Manage, info.Hostnames.Manage);
            Assert.Equal(node.Info.Hostnames.Storage, info.Hostnames.Storage);
            Assert.Equal(node.Info.Tags, info.Tags);
            Assert.Equal(node.State, info.State);
            Assert.Equal(node.Devices!.Order(), info.Devices.Select(d => d.Id).Order());
        }

        foreach (var device in dump.Devices!.Values)
        {
            var info = await client.DeviceInfoAsync(device.Info.Id!, Ct);
            Assert.Equal(device.Info.Name, info.Name);
            Assert.Equal(device.Info.Tags, info.Tags);
            Assert.Equal(device.Info.Storage, info.Storage);
            Assert.Equal(device.Info.Paths, info.Paths);
            Assert.Equal(device.Info.PvUuid, info.PvUuid);
            Assert.Equal(device.State, info.State);
            Assert.Equal(device.Bricks!.Order(), info.Bricks.Select(b => b.Id).Order());
            foreach (var brick in info.Bricks)
            {
                Assert.Equal(dump.Bricks![brick.Id].Info, brick);
            }
        }

        Assert.Equal(dump.Volumes!.Keys.Order(), (await client.VolumeListAsync(Ct)).Volumes.Order());
        foreach (var volume in dump.Volumes.Values)
        {
            var expected = volume.Info;
            var info = await client.VolumeInfoAsync(expected.Id!, Ct);
            Assert.Equal(expected.Name, info.Name);
            Assert.Equal(expected.Size, info.Size);
            Assert.Equal(expected.Cluster, info.Cluster);
            Assert.Equal(expected.Gid, info.Gid);
            Assert.Equal(expected.Durability, info.Durability);
            Assert.Equal(expected.Snapshot, info.Snapshot);
            Assert.Equal(volume.GlusterVolumeOptions, info.GlusterVolumeOptions);
            Assert.Equal(expected.Mount!.GlusterFS.Hosts, info.Mount.GlusterFS.Hosts);
            Assert.Equal(expected.Mount.GlusterFS.Device, info.Mount.GlusterFS.Device);
            Assert.Equal(expected.Mount.GlusterFS.Options, info.Mount.GlusterFS.Options);
            Assert.Equal(volume.Bricks!.Order(), info.Bricks.Select(b => b.Id).Order());
            Assert.All(info.Bricks, b => Assert.Equal(dump.Bricks![b.Id].Info, b));
        }
    }

    [Fact]
    public async Task Import_ThenDbDump_GivesBackTheHeketiDump()
    {
        var client = await ImportAndStartAsync(FixturePath());
        using var response = await client.SendAsync(HttpMethod.Get, "/db/dump", null, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var exported = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

        var original = JsonNode.Parse(await File.ReadAllTextAsync(FixturePath(), Ct))!;

        // Aplo adds each brick's place in its set (Heketi's decoder ignores it) and writes its own generation of
        // db attributes; everything else must be Heketi's dump as it was.
        foreach (var brick in exported["brickentries"]!.AsObject())
        {
            Assert.True(brick.Value!.AsObject().Remove("SetIndex"));
            Assert.True(brick.Value!.AsObject().Remove("Position"));
        }

        var attributes = exported.AsObject()["dbattributeentries"]!.AsObject().Select(a => a.Key).ToList();
        Assert.Equal(["DB_BRICK_HAS_SUBTYPE_FIELD", "DB_CLUSTER_HAS_FILE_BLOCK_FLAG", "DB_DEVICE_HAS_ID_META", "DB_HAS_PENDING_OPS_BUCKET"], attributes);
        exported.AsObject().Remove("dbattributeentries");
        original.AsObject().Remove("dbattributeentries");
        Assert.True(JsonNode.DeepEquals(original, exported), "exported dump differs:\n" + exported.ToJsonString());
    }

    [Fact]
    public async Task Export_OfAnImportedDb_ImportsAgainToTheSameDump()
    {
        var first = Path.Combine(directory, "first.db");
        Assert.Equal(0, await RunAsync("import", "--jsonfile=" + FixturePath(), "--dbfile=" + first));
        var exported = Path.Combine(directory, "exported.json");
        Assert.Equal(0, await RunAsync("export", "--dbfile", first, "--jsonfile", exported));

        var second = Path.Combine(directory, "second.db");
        Assert.Equal(0, await RunAsync("import", "--jsonfile=" + exported, "--dbfile=" + second));
        var stdout = new StringWriter();
        Assert.Equal(0, await DbCommands.RunAsync(["export", "--dbfile=" + second, "--jsonfile=-"], TextReader.Null, stdout, TextWriter.Null, Ct));

        // Byte for byte: sorted maps, and the brick sets recorded by the first import carried through.
        Assert.Equal((await File.ReadAllTextAsync(exported, Ct)).Trim(), stdout.ToString().Trim());
        Assert.Contains("\"SetIndex\":1", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_InfersBrickSetsOnDistinctNodes()
    {
        var client = await ImportAndStartAsync(FixturePath());
        using var response = await client.SendAsync(HttpMethod.Get, "/db/dump", null, Ct);
        var dump = JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(Ct), HeketiDumpJsonContext.Default.HeketiDump)!;
        foreach (var volume in dump.Volumes!.Values)
        {
            var sets = volume.Bricks!.Select(b => dump.Bricks![b]).GroupBy(b => b.SetIndex).ToList();
            Assert.All(sets, set =>
            {
                Assert.Equal(3, set.Count());
                Assert.Equal(3, set.Select(b => b.Info.NodeId).Distinct().Count());
                Assert.Equal([0, 1, 2], set.Select(b => b.Position!.Value).Order());
                Assert.All(set.Where(b => b.SubType == 2), b => Assert.Equal(2, b.Position));
            });
        }

        Assert.Equal(2, dump.Volumes.Values.Single(v => v.Info.Name == "pvc_expanded").Bricks!.Select(b => dump.Bricks![b].SetIndex).Distinct().Count());
    }

    [Theory]
    [InlineData(1, 2, 1, null)]
    [InlineData(2, 4, 3, null)]
    [InlineData(3, 5, 1, 5)]
    public void PendingVolumeOperations_MapToAplosAndExportAsTheyCame(int type, int targetChange, int brickChange, int? delta)
    {
        const string OpId = "feedfacefeedfacefeedfacefeedface";
        var json = JsonNode.Parse(File.ReadAllText(FixturePath()))!;
        var (volumeId, volume) = json["volumeentries"]!.AsObject().First();
        volume!["Pending"]!["Id"] = OpId;
        var brickIds = volume["Bricks"]!.AsArray().Select(b => (string)b!).ToList();
        var actions = new JsonArray(new JsonObject { ["Change"] = targetChange, ["Id"] = volumeId, ["Delta"] = delta });
        foreach (var brick in brickIds)
        {
            json["brickentries"]![brick]!["Pending"]!["Id"] = OpId;
            actions.Add(new JsonObject { ["Change"] = brickChange, ["Id"] = brick, ["Delta"] = null });
        }

        var op = new JsonObject { ["Id"] = OpId, ["Timestamp"] = 1700000000, ["Type"] = type, ["Actions"] = actions, ["Status"] = "stale" };
        json["pendingoperations"]![OpId] = op.DeepClone();
        var dump = JsonSerializer.Deserialize(json.ToJsonString(), HeketiDumpJsonContext.Default.HeketiDump)!;

        var model = HeketiDumpImport.Import(dump).Model;

        var imported = model.Operations[OpId];
        Assert.Equal((Core.Topology.OperationType)type, imported.Type);
        Assert.Equal(volumeId, imported.TargetId);
        Assert.Equal(brickIds, imported.BrickIds);
        Assert.Equal(delta ?? 0, imported.DeltaGiB);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), imported.Started);
        Assert.Equal("stale", imported.Status);
        Assert.Equal(OpId, model.Volumes[volumeId].PendingOperationId);
        Assert.All(brickIds, b => Assert.Equal(OpId, model.Bricks[b].PendingOperationId));

        var exported = JsonSerializer.SerializeToNode(HeketiDumpExport.Export(model), HeketiDumpJsonContext.Default.HeketiDump)!;
        Assert.True(JsonNode.DeepEquals(op, exported["pendingoperations"]![OpId]), exported["pendingoperations"]!.ToJsonString());
    }

    [Fact]
    public async Task Import_RefusesAnExistingDbFile_AndLeavesItAlone()
    {
        var db = Path.Combine(directory, "aplo.db");
        await File.WriteAllTextAsync(db, "precious", Ct);
        var stderr = new StringWriter();

        var code = await DbCommands.RunAsync(["import", "--jsonfile=" + FixturePath(), "--dbfile=" + db], TextReader.Null, TextWriter.Null, stderr, Ct);

        Assert.Equal(1, code);
        Assert.Contains("already exists", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal("precious", await File.ReadAllTextAsync(db, Ct));
    }

    [Fact]
    public async Task Export_RefusesToOverwriteAJsonFile()
    {
        var db = Path.Combine(directory, "aplo.db");
        Assert.Equal(0, await RunAsync("import", "--jsonfile=" + FixturePath(), "--dbfile=" + db));
        var json = Path.Combine(directory, "out.json");
        await File.WriteAllTextAsync(json, "keep", Ct);

        Assert.Equal(1, await RunAsync("export", "--dbfile=" + db, "--jsonfile=" + json));
        Assert.Equal("keep", await File.ReadAllTextAsync(json, Ct));
    }

    [Theory]
    [InlineData("db", "Error: db needs")]
    [InlineData("db frobnicate --dbfile=x", "unknown sub-command 'frobnicate'")]
    [InlineData("db import --dbfile=x", "--jsonfile is required")]
    [InlineData("db consistency-check --dbfile=x --jsonfile=y", "unknown flag --jsonfile")]
    [InlineData("db export --dbfile", "--dbfile needs a value")]
    public async Task BadUsage_ExitsTwoWithTheReason(string line, string message)
    {
        var stderr = new StringWriter();
        var code = await DbCommands.RunAsync(line.Split(' ')[1..], TextReader.Null, TextWriter.Null, stderr, Ct);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_OfAMissingDbFile_FailsWithoutCreatingIt()
    {
        var db = Path.Combine(directory, "typo.db");
        Assert.Equal(1, await RunAsync("export", "--dbfile=" + db, "--jsonfile=-"));
        Assert.False(File.Exists(db));
    }

    internal static HeketiDump ReadFixture() =>
        JsonSerializer.Deserialize(File.ReadAllText(FixturePath()), HeketiDumpJsonContext.Default.HeketiDump)!;

    private static async Task<int> RunAsync(params string[] args) =>
        await DbCommands.RunAsync(args, TextReader.Null, TextWriter.Null, TextWriter.Null, Ct);

    private async Task<Aplo.Client.HeketiClient> ImportAndStartAsync(string jsonPath)
    {
        var db = Path.Combine(directory, "aplo.db");
        var stderr = new StringWriter();
        Assert.True(
            await DbCommands.RunAsync(["import", "--jsonfile=" + jsonPath, "--dbfile=" + db], TextReader.Null, TextWriter.Null, stderr, Ct) == 0,
            stderr.ToString());
        host = await AploHost.StartAsync(o => o with { DbPath = db }, cancellationToken: Ct);
        return host.Admin();
    }
}
