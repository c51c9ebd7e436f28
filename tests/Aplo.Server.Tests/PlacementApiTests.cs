using System.Net;
using Aplo.Contracts;
using Aplo.TestKit;

namespace Aplo.Server.Tests;

/// <summary>Placement rules seen through the API: merged node and device tags, and the choice of cluster.</summary>
public sealed class PlacementApiTests : ApiTestBase
{
    [Fact]
    public async Task Create_WithDeviceTagMatch_UsesDeviceTagsOverNodeTags()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        foreach (var node in built.Nodes)
        {
            await ExpectAsync(HttpStatusCode.OK, "POST", $"/nodes/{node.Id}/tags", """{"tags":{"disk":"hdd"},"change_type":"set"}""");
            await ExpectAsync(HttpStatusCode.OK, "POST", $"/devices/{node.Devices[1].Id}/tags", """{"tags":{"disk":"ssd"},"change_type":"set"}""");
        }

        var ssd = await Admin.VolumeCreateAsync(
            new VolumeCreateRequest { Size = 5, GlusterVolumeOptions = ["user.heketi.device-tag-match disk=ssd"], Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } } }, Ct);
        Assert.All(ssd.Bricks, b => Assert.Equal(built.Nodes.Single(n => n.Id == b.NodeId).Devices[1].Id, b.DeviceId));

        var hdd = await Admin.VolumeCreateAsync(
            new VolumeCreateRequest { Size = 5, GlusterVolumeOptions = ["user.heketi.device-tag-match disk!=ssd"], Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } } }, Ct);
        Assert.All(hdd.Bricks, b => Assert.Equal(built.Nodes.Single(n => n.Id == b.NodeId).Devices[0].Id, b.DeviceId));

        // Expansion keeps the volume's rule.
        var expanded = await Admin.VolumeExpandAsync(ssd.Id, 5, Ct);
        Assert.All(expanded.Bricks, b => Assert.Equal(built.Nodes.Single(n => n.Id == b.NodeId).Devices[1].Id, b.DeviceId));
    }

    private static VolumeCreateRequest Replica3(long size) =>
        new() { Size = size, Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } } };

    [Fact]
    public async Task Create_WithMalformedTagMatch_Is400()
    {
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var text = await ExpectAsync(HttpStatusCode.BadRequest, "POST", "/volumes", """{"size":1,"glustervolumeoptions":["user.heketi.device-tag-match disk"]}""");
        Assert.Contains("device-tag-match", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_AcrossClusters_UsesTheClusterWithTheMostFreeSpace()
    {
        var small = await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct, "small");
        var large = await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct, "large", subnet: 2);

        var first = await Admin.VolumeCreateAsync(Replica3(100), Ct);
        Assert.Equal(large.Id, first.Cluster);

        // Each 100 GiB replica-3 create takes about 301.5 GiB from a cluster: the large one (3,000 GiB) falls
        // below the small one (1,500 GiB) after five, and from then on they take turns.
        var clusters = new List<string> { first.Cluster };
        for (var i = 0; i < 8; i++)
        {
            clusters.Add((await Admin.VolumeCreateAsync(Replica3(100), Ct)).Cluster);
        }

        var expected = new List<string>();
        var free = new Dictionary<string, double> { [small.Id] = 1500, [large.Id] = 3000 };
        for (var i = 0; i < clusters.Count; i++)
        {
            var pick = free[large.Id] >= free[small.Id] ? large.Id : small.Id;
            expected.Add(pick);
            free[pick] -= 3 * 100.5;
        }

        Assert.Equal(expected, clusters);
        Assert.Equal(5, clusters.TakeWhile(c => c == large.Id).Count());
    }
}
