using System.Text;
using System.Text.Json;
using Aplo.Contracts;

namespace Aplo.Cli.Tests;

/// <summary>The tables' streaming read of GET /topology: the same tables as from the fully deserialized answer.</summary>
public sealed class TopologySummaryTests
{
    [Fact]
    public void Parse_OfSeveralClusters_RendersAsTheFullAnswer()
    {
        var topology = Sample();
        var json = JsonSerializer.SerializeToUtf8Bytes(topology, HeketiJsonContext.Default.TopologyInfoResponse);

        var parsed = TopologyCommands.Render(TopologySummary.Parse(json));

        Assert.Equal(TopologyCommands.Render(topology), parsed);
        Assert.Contains("disperse 4+2", parsed, StringComparison.Ordinal);
        Assert.Contains("tags rack=<r1>", parsed, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ReadsEachFieldTheTablesShow()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(Sample(), HeketiJsonContext.Default.TopologyInfoResponse);

        var cluster = TopologySummary.Parse(json).Clusters[1];

        Assert.Equal(("c2", false, true), (cluster.Id, cluster.File, cluster.Block));
        var volume = Assert.Single(cluster.Volumes);
        Assert.Equal(("v3", "wide", "c2", 20L, "disperse 4+2", 2), (volume.Id, volume.Name, volume.ClusterId, volume.Size, volume.Durability, volume.Bricks));
        var node = Assert.Single(cluster.Nodes);
        Assert.Equal(("n3", 3, "offline"), (node.Id, node.Zone, node.State));
        Assert.Equal(["n3.a", "n3.b"], node.Manage);
        Assert.Equal(["10.0.0.3"], node.Storage);
        var device = Assert.Single(node.Devices);
        Assert.Equal(("d3", "/dev/sdb", "failed", 1000L, 300L, 700L), (device.Id, device.Name, device.State, device.Total, device.Used, device.Free));
        Assert.Equal("yes", device.Tags!["ssd"]);
        Assert.Equal([("v3-b0", "v3", 10L), ("v3-b1", "v3", 10L)], device.Bricks.Select(b => (b.Id, b.VolumeId, b.Size)));
    }

    [Fact]
    public void Parse_SkipsFieldsItDoesNotKnow_AndTakesNullLists()
    {
        const string json = """
            {"extra":{"a":[1,{"b":null}]},"clusters":[{"volumes":null,"nodes":[{"zone":1,"hostnames":{"manage":["m"],"storage":["s"],"other":[]},
            "cluster":"c","tags":null,"id":"n","state":"online","devices":[],"new":"x"}],"id":"c","block":false,"file":true,"more":[[]]}]}
            """;

        var cluster = Assert.Single(TopologySummary.Parse(Encoding.UTF8.GetBytes(json)).Clusters);

        Assert.Empty(cluster.Volumes);
        var node = Assert.Single(cluster.Nodes);
        Assert.Equal(("n", "online", "m", "s"), (node.Id, node.State, node.Manage[0], node.Storage[0]));
        Assert.Null(node.Tags);
    }

    [Fact]
    public void Parse_OfAnotherShape_Throws()
    {
        Assert.Throws<JsonException>(() => TopologySummary.Parse("""{"clusters":{"id":"c"}}"""u8));
    }

    private static TopologyInfoResponse Sample() => new()
    {
        Clusters =
        [
            new TopologyCluster
            {
                Id = "c1",
                File = true,
                Volumes = [Volume("v1", "zeta", "c1", 10, "replicate", 3, 0, 0, 3), Volume("v2", "alpha \"q\" é", "c1", 1, null, 0, 0, 0, 1)],
                Nodes =
                [
                    Node("n2", 2, "online", ["n2.example"], null, [Device("d2", "/dev/sdc", "online", null, [Brick("v1-b1", "v1", 10)])]),
                    Node("n1", 1, "online", ["n1.example"], new Dictionary<string, string> { ["rack"] = "<r1>" },
                    [
                        Device("d1", "/dev/sdb", "online", null, [Brick("v1-b0", "v1", 10), Brick("v2-b0", "v2", 1), Brick("orphan", "gone", 5)]),
                        Device("d1b", "/dev/sda", "offline", new Dictionary<string, string> { ["x"] = "1", ["a"] = "2" }, []),
                    ]),
                ],
            },
            new TopologyCluster
            {
                Id = "c2",
                Block = true,
                Volumes = [Volume("v3", "wide", "c2", 20, "disperse", 0, 4, 2, 2)],
                Nodes =
                [
                    Node("n3", 3, "offline", ["n3.a", "n3.b"], null,
                        [Device("d3", "/dev/sdb", "failed", new Dictionary<string, string> { ["ssd"] = "yes" }, [Brick("v3-b0", "v3", 10), Brick("v3-b1", "v3", 10)])]),
                ],
            },
        ],
    };

    private static VolumeInfoResponse Volume(string id, string name, string cluster, long size, string? type, int replica, int data, int redundancy, int bricks) => new()
    {
        Id = id,
        Name = name,
        Cluster = cluster,
        Size = size,
        Durability = new VolumeDurabilityInfo
        {
            Type = type,
            Replicate = new ReplicaDurability { Replica = replica },
            Disperse = new DisperseDurability { Data = data, Redundancy = redundancy },
        },
        Snapshot = new VolumeSnapshotInfo { Enable = true, Factor = 1.5f },
        GlusterVolumeOptions = ["a b"],
        Mount = new VolumeMountInfo
        {
            GlusterFS = new GlusterfsMount { Hosts = ["h1", "h2"], Device = "h1:" + name, Options = new Dictionary<string, string> { ["backup-volfile-servers"] = "h2" } },
        },
        Bricks = [.. Enumerable.Range(0, bricks).Select(i => Brick(id + "-b" + i, id, size))],
    };

    private static NodeInfoResponse Node(
        string id, int zone, string state, string[] manage, Dictionary<string, string>? tags, DeviceInfoResponse[] devices) => new()
        {
            Id = id,
            Zone = zone,
            State = state,
            ClusterId = "c",
            Hostnames = new HostAddresses { Manage = manage, Storage = ["10.0.0." + zone] },
            Tags = tags,
            Devices = devices,
        };

    private static DeviceInfoResponse Device(string id, string name, string state, Dictionary<string, string>? tags, BrickInfo[] bricks) => new()
    {
        Id = id,
        Name = name,
        State = state,
        Tags = tags,
        Paths = ["/dev/disk/by-id/" + id],
        PvUuid = "pv",
        Storage = new StorageSize { Total = 1000, Used = 300, Free = 700 },
        Bricks = bricks,
    };

    private static BrickInfo Brick(string id, string volume, long size) =>
        new() { Id = id, VolumeId = volume, Size = size, DeviceId = "d", NodeId = "n", Path = "/var/lib/heketi/mounts/vg_d/brick_" + id + "/brick" };
}
