using Aplo.Contracts;
using Aplo.TestKit;

namespace Aplo.Server.Tests;

public sealed class PersistenceTests : ApiTestBase
{
    [Fact]
    public async Task Restart_KeepsClustersNodesDevicesVolumesAndAccounting()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 2, 2, Ct);
        var tagsBody = """{"tags":{"rack":"r1"},"change_type":"set"}""";
        await ExpectAsync(System.Net.HttpStatusCode.OK, "POST", $"/nodes/{built.Nodes[0].Id}/tags", tagsBody);
        var v1 = await Admin.VolumeCreateAsync(new VolumeCreateRequest { Size = 10, Name = "alpha", Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } } }, Ct);
        var v2 = await Admin.VolumeCreateAsync(new VolumeCreateRequest { Size = 4, Gid = 2001, Durability = new() { Type = "disperse", Disperse = new() { Data = 2, Redundancy = 1 } } }, Ct);
        await Admin.VolumeExpandAsync(v1.Id, 10, Ct);
        var before = await SnapshotAsync();

        await RestartAsync();

        var after = await SnapshotAsync();
        Assert.Equal(before, after);
        Assert.Equal(20, (await Admin.VolumeInfoAsync(v1.Id, Ct)).Size);
        Assert.Equal(2001, (await Admin.VolumeInfoAsync(v2.Id, Ct)).Gid);
        Assert.Equal("r1", (await Admin.NodeInfoAsync(built.Nodes[0].Id, Ct)).Tags!["rack"]);

        // The restarted server keeps working on what it loaded: delete frees exactly what create charged.
        await Admin.VolumeDeleteAsync(v1.Id, Ct);
        await Admin.VolumeDeleteAsync(v2.Id, Ct);
        foreach (var node in built.Nodes)
        {
            foreach (var device in node.Devices)
            {
                Assert.Equal(0, (await Admin.DeviceInfoAsync(device.Id, Ct)).Storage.Used);
            }
        }
    }

    [Fact]
    public async Task Restart_DoesNotResurrectDeletedThings()
    {
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var volume = await Admin.VolumeCreateAsync(new VolumeCreateRequest { Size = 1 }, Ct);
        await Admin.VolumeDeleteAsync(volume.Id, Ct);
        var spare = await Admin.ClusterCreateAsync(new ClusterCreateRequest(), Ct);
        await ExpectAsync(System.Net.HttpStatusCode.OK, "DELETE", $"/clusters/{spare.Id}");

        await RestartAsync();
        Assert.Empty((await Admin.VolumeListAsync(Ct)).Volumes);
        Assert.Single((await Admin.ClusterListAsync(Ct)).Clusters);
    }

    /// <summary>Everything the API shows, as one string, to compare before and after a restart.</summary>
    private async Task<string> SnapshotAsync()
    {
        var parts = new List<string>();
        foreach (var c in (await Admin.ClusterListAsync(Ct)).Clusters)
        {
            parts.Add(await ExpectAsync(System.Net.HttpStatusCode.OK, "GET", "/clusters/" + c));
            foreach (var n in (await Admin.ClusterInfoAsync(c, Ct)).Nodes)
            {
                parts.Add(await ExpectAsync(System.Net.HttpStatusCode.OK, "GET", "/nodes/" + n));
            }
        }

        foreach (var v in (await Admin.VolumeListAsync(Ct)).Volumes)
        {
            parts.Add(await ExpectAsync(System.Net.HttpStatusCode.OK, "GET", "/volumes/" + v));
        }

        return string.Join("\n", parts);
    }
}
