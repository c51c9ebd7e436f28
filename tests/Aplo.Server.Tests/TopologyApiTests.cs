using System.Net;
using System.Text.Json;
using Aplo.Contracts;
using Aplo.TestKit;

namespace Aplo.Server.Tests;

/// <summary>Aplo's GET /topology: the same content as heketi-cli's fan-out, in one answer.</summary>
public sealed class TopologyApiTests : ApiTestBase
{
    [Fact]
    public async Task Topology_MatchesTheFanOut()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        var a = await Admin.VolumeCreateAsync(new VolumeCreateRequest { Size = 5, Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } } }, Ct);
        var b = await Admin.VolumeCreateAsync(new VolumeCreateRequest { Size = 2, Durability = new() { Type = "none" } }, Ct);

        var text = await ExpectAsync(HttpStatusCode.OK, "GET", "/topology");
        var topology = JsonSerializer.Deserialize(text, HeketiJsonContext.Default.TopologyInfoResponse)!;

        var cluster = Assert.Single(topology.Clusters);
        Assert.Equal(built.Id, cluster.Id);
        Assert.True(cluster.File);
        Assert.Equal(new[] { a.Id, b.Id }.Order(StringComparer.Ordinal), cluster.Volumes.Select(v => v.Id).Order(StringComparer.Ordinal));

        // Each volume and node is exactly what its own route answers.
        foreach (var volume in cluster.Volumes)
        {
            Assert.Equal(await ExpectAsync(HttpStatusCode.OK, "GET", "/volumes/" + volume.Id), JsonSerializer.Serialize(volume, HeketiJsonContext.Default.VolumeInfoResponse));
        }

        Assert.Equal(built.Nodes.Select(n => n.Id).Order(StringComparer.Ordinal), cluster.Nodes.Select(n => n.Id).Order(StringComparer.Ordinal));
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(await ExpectAsync(HttpStatusCode.OK, "GET", "/nodes/" + node.Id), JsonSerializer.Serialize(node, HeketiJsonContext.Default.NodeInfoResponse));
            Assert.Equal(2, node.Devices.Count);
        }

        Assert.Equal(4, cluster.Nodes.SelectMany(n => n.Devices).Sum(d => d.Bricks.Count));
    }

    [Fact]
    public async Task Topology_FollowsEveryChange()
    {
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var before = JsonSerializer.Deserialize(await ExpectAsync(HttpStatusCode.OK, "GET", "/topology"), HeketiJsonContext.Default.TopologyInfoResponse)!;
        Assert.Equal(before.Clusters[0].Nodes.Count, JsonSerializer.Deserialize(await ExpectAsync(HttpStatusCode.OK, "GET", "/topology"), HeketiJsonContext.Default.TopologyInfoResponse)!.Clusters[0].Nodes.Count);

        var volume = await Admin.VolumeCreateAsync(new VolumeCreateRequest { Size = 1, Durability = new() { Type = "none" } }, Ct);
        var after = JsonSerializer.Deserialize(await ExpectAsync(HttpStatusCode.OK, "GET", "/topology"), HeketiJsonContext.Default.TopologyInfoResponse)!;
        Assert.Empty(before.Clusters[0].Volumes);
        Assert.Equal(volume.Id, Assert.Single(after.Clusters[0].Volumes).Id);

        await ExpectAsync(HttpStatusCode.OK, "POST", "/clusters/" + after.Clusters[0].Id + "/flags", """{"file":true,"block":false}""");
        var flagged = JsonSerializer.Deserialize(await ExpectAsync(HttpStatusCode.OK, "GET", "/topology"), HeketiJsonContext.Default.TopologyInfoResponse)!;
        Assert.False(flagged.Clusters[0].Block);
    }

    [Fact]
    public async Task TopologyBrief_HasWhatTheFullAnswerHas_LessBrickDetailAndMounts()
    {
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        await Admin.VolumeCreateAsync(new VolumeCreateRequest { Size = 5, Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } } }, Ct);
        await Admin.VolumeCreateAsync(new VolumeCreateRequest { Size = 4, Durability = new() { Type = "disperse", Disperse = new() { Data = 2, Redundancy = 1 } } }, Ct);
        var fullText = await ExpectAsync(HttpStatusCode.OK, "GET", "/topology");
        var full = JsonSerializer.Deserialize(fullText, HeketiJsonContext.Default.TopologyInfoResponse)!.Clusters.Single();

        var briefText = await ExpectAsync(HttpStatusCode.OK, "GET", "/topology?brief=true");
        var brief = JsonSerializer.Deserialize(briefText, HeketiJsonContext.Default.TopologyBriefResponse)!.Clusters.Single();

        Assert.Equal(full.Id, brief.Id);
        Assert.Equal(
            full.Volumes.Select(v => (v.Id, v.Name, v.Cluster, v.Size, v.Durability.Type, v.Bricks.Count)),
            brief.Volumes.Select(v => (v.Id, v.Name, v.Cluster, v.Size, v.Durability.Type, v.BrickCount)));
        Assert.Equal(
            full.Nodes.SelectMany(n => n.Devices.Select(d => (n.Id, n.State, d.Id, d.Name, d.State, d.Storage.Free, string.Join(",", d.Bricks.Select(b => $"{b.Id}/{b.VolumeId}/{b.Size}"))))),
            brief.Nodes.SelectMany(n => n.Devices.Select(d => (n.Id, n.State, d.Id, d.Name, d.State, d.Storage.Free, string.Join(",", d.Bricks.Select(b => $"{b.Id}/{b.Volume}/{b.Size}"))))));
        Assert.DoesNotContain("/var/lib/heketi/mounts", briefText, StringComparison.Ordinal);
        Assert.True(briefText.Length * 2 < fullText.Length, $"brief {briefText.Length} bytes, full {fullText.Length}");

        Assert.Equal(fullText, await ExpectAsync(HttpStatusCode.OK, "GET", "/topology?brief=false"));
    }

    [Theory]
    [InlineData("/topology?brief=yes")]
    [InlineData("/topology?brief=true&brief=false")]
    public async Task TopologyBrief_NotTrueOrFalse_Is400(string path)
    {
        Assert.Equal("brief must be true or false", (await ExpectAsync(HttpStatusCode.BadRequest, "GET", path)).Trim());
    }

    [Fact]
    public async Task Topology_OfAnEmptyServer_HasNoClusters()
    {
        Assert.Equal("""{"clusters":[]}""", await ExpectAsync(HttpStatusCode.OK, "GET", "/topology"));
    }

    [Fact]
    public async Task Topology_IsForAdminsOnly()
    {
        using var response = await Host.User().SendAsync(HttpMethod.Get, "/topology", null, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Administrator access required", (await response.Content.ReadAsStringAsync(Ct)).Trim());
    }
}
