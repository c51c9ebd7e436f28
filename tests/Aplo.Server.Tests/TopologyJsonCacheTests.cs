using System.IO.Pipelines;
using System.Text;
using Aplo.Core.Topology;
using Aplo.Server.Http;
using Aplo.TestKit;

namespace Aplo.Server.Tests;

/// <summary>GET /topology's fragment cache: byte for byte the plain serialization, and only changed entities re-made.</summary>
public sealed class TopologyJsonCacheTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("heketi")]
    [InlineData("brief")]
    public async Task Get_OfAnEmptyModel_IsTheSerializersAnswer(string shape)
    {
        var topology = await TopologyManager.OpenAsync(new MemoryTopologyStore(), Ct);
        AssertMatchesPlain(topology, new TopologyJsonCache(Shape(shape)));
    }

    [Theory]
    [InlineData("heketi")]
    [InlineData("brief")]
    public async Task Get_OfSeveralClusters_IsTheSerializersAnswer(string shape)
    {
        var (topology, _) = await BuildAsync();
        var cache = new TopologyJsonCache(Shape(shape));

        AssertMatchesPlain(topology, cache);
        Assert.Equal(3 + 3, cache.Serializations); // every volume and node once
    }

    [Theory]
    [InlineData("heketi")]
    [InlineData("brief")]
    public async Task Get_WrittenToAPipe_IsTheSameBytes(string shape)
    {
        var (topology, _) = await BuildAsync();
        var body = new TopologyJsonCache(Shape(shape)).Get(topology);
        var pipe = new Pipe();

        await body.WriteToAsync(pipe.Writer, Ct);
        await pipe.Writer.CompleteAsync();
        using var read = new MemoryStream();
        await pipe.Reader.CopyToAsync(read, Ct);

        Assert.Equal(Plain(topology, Shape(shape)), Encoding.UTF8.GetString(read.ToArray()));
        Assert.Equal(body.Length, read.Length);
    }

    [Theory]
    [InlineData("heketi")]
    [InlineData("brief")]
    public async Task Get_OfAnUnchangedModel_ReturnsTheSameAnswerWithoutSerializing(string shape)
    {
        var (topology, _) = await BuildAsync();
        var cache = new TopologyJsonCache(Shape(shape));
        var first = cache.Get(topology);
        var count = cache.Serializations;

        Assert.Same(first, cache.Get(topology));
        Assert.Equal(count, cache.Serializations);
    }

    [Theory]
    [InlineData("heketi")]
    [InlineData("brief")]
    public async Task Get_AfterANodeTagChange_RemakesOnlyThatNode(string shape)
    {
        var (topology, t) = await BuildAsync();
        var cache = new TopologyJsonCache(Shape(shape));
        cache.Get(topology);
        var count = cache.Serializations;

        await topology.WriteAsync((m, c) => c.Put(m.Nodes[t.NodeA1] with { Tags = new Dictionary<string, string> { ["rack"] = "r9" } }), Ct);

        AssertMatchesPlain(topology, cache);
        Assert.Equal(count + 1, cache.Serializations);
    }

    [Theory]
    [InlineData("heketi")]
    [InlineData("brief")]
    public async Task Get_AfterADeviceStateChange_RemakesOnlyItsNode(string shape)
    {
        var (topology, t) = await BuildAsync();
        var cache = new TopologyJsonCache(Shape(shape));
        cache.Get(topology);
        var count = cache.Serializations;

        await topology.WriteAsync((m, c) => c.Put(m.Devices[t.DeviceA2] with { State = EntityState.Offline }), Ct);

        AssertMatchesPlain(topology, cache);
        Assert.Equal(count + 1, cache.Serializations);
    }

    [Theory]
    [InlineData("heketi")]
    [InlineData("brief")]
    public async Task Get_AfterAVolumeCreate_RemakesTheVolumeAndTheNodesOfItsBricks(string shape)
    {
        var (topology, t) = await BuildAsync();
        var cache = new TopologyJsonCache(Shape(shape));
        cache.Get(topology);
        var count = cache.Serializations;

        await topology.WriteAsync((_, c) => PutVolume(c, "a", "vol-new", [(t.DeviceA1, t.NodeA1), (t.DeviceA2, t.NodeA2)]), Ct);

        AssertMatchesPlain(topology, cache);
        Assert.Equal(count + 3, cache.Serializations);
    }

    [Theory]
    [InlineData("heketi")]
    [InlineData("brief")]
    public async Task Get_AfterAVolumeDelete_DropsItAndRemakesTheNodesOfItsBricks(string shape)
    {
        var (topology, t) = await BuildAsync();
        var cache = new TopologyJsonCache(Shape(shape));
        cache.Get(topology);
        var count = cache.Serializations;

        await topology.WriteAsync(
            (m, c) =>
            {
                foreach (var brick in m.BrickIdsOf(t.VolumeA1).ToList())
                {
                    c.Delete(EntityKind.Brick, brick);
                }

                c.Delete(EntityKind.Volume, t.VolumeA1);
            },
            Ct);

        AssertMatchesPlain(topology, cache);
        Assert.Equal(count + 2, cache.Serializations);
        Assert.DoesNotContain(t.VolumeA1, Plain(topology, Shape(shape)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("heketi")]
    [InlineData("brief")]
    public async Task Get_AfterANewNode_RemakesTheClustersVolumesForTheirMountHosts(string shape)
    {
        var (topology, _) = await BuildAsync();
        var cache = new TopologyJsonCache(Shape(shape));
        cache.Get(topology);
        var count = cache.Serializations;

        await topology.WriteAsync((_, c) => c.Put(NewNode("a3", "b", 3)), Ct);

        AssertMatchesPlain(topology, cache);
        Assert.Equal(count + 1 + 1, cache.Serializations);
    }

    [Theory]
    [InlineData("heketi")]
    [InlineData("brief")]
    public async Task Get_HidesWhatAnOperationInFlightHolds(string shape)
    {
        var (topology, t) = await BuildAsync();
        var cache = new TopologyJsonCache(Shape(shape));
        cache.Get(topology);

        await topology.WriteAsync(
            (_, c) =>
            {
                c.Put(new PendingOperation("op1", OperationType.VolumeCreate, DateTimeOffset.UnixEpoch, "new", "vol-pending", []));
                PutVolume(c, "a", "vol-pending", [(t.DeviceA1, t.NodeA1)], pending: "op1");
                c.Put(NewNode("a-pending", "a", 2) with { PendingOperationId = "op2" });
            },
            Ct);

        AssertMatchesPlain(topology, cache);
        Assert.DoesNotContain("vol-pending", Plain(topology, Shape(shape)), StringComparison.Ordinal);
        Assert.DoesNotContain("a-pending", Plain(topology, Shape(shape)), StringComparison.Ordinal);
    }

    private static void AssertMatchesPlain(TopologyManager topology, TopologyJsonCache cache) =>
        Assert.Equal(Plain(topology, cache.Shape), Encoding.UTF8.GetString(cache.Get(topology).ToArray()));

    /// <summary>The whole answer serialized at once, which the stitched fragments must equal.</summary>
    private static string Plain(TopologyManager topology, TopologyShape shape) => Encoding.UTF8.GetString(topology.Read(shape.Whole));

    private static TopologyShape Shape(string name) => name == "brief" ? TopologyShape.Brief : TopologyShape.Heketi;

    /// <summary>
    /// Cluster a: nodes a1 (two devices) and a2 (a tag that needs escaping), volumes vol-a1 (a brick on a1 and on a2)
    /// and vol-a2 (one brick on a1, with options that need escaping); cluster b: node b1 and volume vol-b1.
    /// </summary>
    private static async Task<(TopologyManager Topology, Ids Ids)> BuildAsync()
    {
        var topology = await TopologyManager.OpenAsync(new MemoryTopologyStore(), Ct);
        var ids = new Ids("node-a1", "node-a2", "dev-a1", "dev-a2", "vol-a1");
        await topology.WriteAsync(
            (_, c) =>
            {
                c.Put(new Cluster("a", File: true, Block: false));
                c.Put(new Cluster("b", File: true, Block: true));
                c.Put(NewNode("a1", "a", 1));
                c.Put(NewNode("a2", "a", 2) with { Tags = new Dictionary<string, string> { ["rack"] = "r<1>" } });
                c.Put(NewNode("b1", "b", 1));
                c.Put(NewDevice("dev-a1", "node-a1", "/dev/sdb"));
                c.Put(NewDevice("dev-a1b", "node-a1", "/dev/sdc") with { Paths = ["/dev/disk/by-id/x"] });
                c.Put(NewDevice("dev-a2", "node-a2", "/dev/sdb"));
                c.Put(NewDevice("dev-b1", "node-b1", "/dev/sdb"));
                PutVolume(c, "a", "vol-a1", [(ids.DeviceA1, ids.NodeA1), (ids.DeviceA2, ids.NodeA2)]);
                PutVolume(c, "a", "vol-a2", [("dev-a1b", ids.NodeA1)], options: ["performance.rda-cache-limit 10MB", "user.x \"quoted\""]);
                PutVolume(c, "b", "vol-b1", [("dev-b1", "node-b1")]);
            },
            Ct);
        return (topology, ids);
    }

    private static Node NewNode(string name, string cluster, int zone) =>
        new("node-" + name, cluster, zone, [name + ".manage"], ["10.0.0." + zone], EntityState.Online, new Dictionary<string, string>());

    private static Device NewDevice(string id, string node, string name) =>
        new(id, node, name, new Dictionary<string, string>(), 1024 * 1024, 1000, 24, 4096, "pv-" + id, [], EntityState.Online);

    private static void PutVolume(ChangeSet c, string cluster, string id, (string Device, string Node)[] bricks, string[]? options = null, string? pending = null)
    {
        c.Put(new Volume(
            id, cluster, "name_" + id, 1, Durability.Distribute, new RequestedDurability("replicate", bricks.Length, 0, 0), 2000,
            options ?? [], false, 1, "admin", pending));
        for (var i = 0; i < bricks.Length; i++)
        {
            var brickId = id + "-b" + i;
            c.Put(new Brick(
                brickId, id, bricks[i].Device, bricks[i].Node, Brick.PathFor("/var/lib/heketi/mounts", bricks[i].Device, brickId),
                1024, 1024, 8, BrickRole.Data, 0, i, pending));
        }
    }

    private sealed record Ids(string NodeA1, string NodeA2, string DeviceA1, string DeviceA2, string VolumeA1);
}
