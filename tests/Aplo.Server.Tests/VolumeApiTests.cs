using System.Globalization;
using System.Net;
using System.Text.Json;
using Aplo.Client;
using Aplo.Contracts;
using Aplo.TestKit;

namespace Aplo.Server.Tests;

public sealed class VolumeApiTests : ApiTestBase
{
    private const long GiB = 1024 * 1024;

    private static VolumeCreateRequest Replica3(long size, string? name = null, IReadOnlyList<string>? options = null) => new()
    {
        Size = size,
        Name = name,
        Durability = new VolumeDurabilityInfo { Type = "replicate", Replicate = new ReplicaDurability { Replica = 3 } },
        GlusterVolumeOptions = options,
    };

    [Fact]
    public async Task Create_Replica3_PutsEachBrickOnItsOwnNodeAndZone_AndChargesHeketisSizes()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 2, 2, Ct);
        var volume = await Admin.VolumeCreateAsync(Replica3(100), Ct);

        Assert.Equal(100, volume.Size);
        Assert.Equal("vol_" + volume.Id, volume.Name);
        Assert.Equal(built.Id, volume.Cluster);
        Assert.Equal(3, volume.Bricks.Count);
        Assert.All(volume.Bricks, b => Assert.Equal(100 * GiB, b.Size));
        Assert.All(volume.Bricks, b => Assert.Equal($"/var/lib/heketi/mounts/vg_{b.DeviceId}/brick_{b.Id}/brick", b.Path));
        Assert.Equal(3, volume.Bricks.Select(b => b.NodeId).Distinct().Count());
        var zones = volume.Bricks.Select(b => built.Nodes.Single(n => n.Id == b.NodeId).Zone).Distinct().Count();
        Assert.Equal(3, zones);

        // Reference §4.2: a 100 GiB brick charges its thin pool plus 0.5% metadata: 105,381,888 KiB.
        foreach (var brick in volume.Bricks)
        {
            var device = await Admin.DeviceInfoAsync(brick.DeviceId, Ct);
            Assert.Equal(105_381_888, device.Storage.Used);
            Assert.Equal(device.Storage.Total - 105_381_888, device.Storage.Free);
        }

        var mount = volume.Mount.GlusterFS;
        Assert.Equal(6, mount.Hosts.Count);
        Assert.Equal(mount.Hosts[0] + ":" + volume.Name, mount.Device);
        Assert.Equal(string.Join(",", mount.Hosts.Skip(1)), mount.Options["backup-volfile-servers"]);
        Assert.Equal(volume.Name, Assert.Single(Host.Executor.Volumes).Key);
    }

    [Fact]
    public async Task Create_EchoesDurabilityAsRequested_AndHeketisOptionList()
    {
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        using var done = await AcceptedThenAsync("POST", "/volumes", """{"size":1,"durability":{"type":"replicate"},"glustervolumeoptions":["performance.rda-cache-limit 10MB"]}""");
        Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
        var text = await ExpectAsync(HttpStatusCode.OK, "GET", done.Headers.Location!.OriginalString);
        using var doc = JsonDocument.Parse(text);
        var root = doc.RootElement;
        Assert.Equal("""{"type":"replicate","replicate":{},"disperse":{}}""", root.GetProperty("durability").GetRawText());
        Assert.Equal("""["","performance.rda-cache-limit 10MB",""]""", root.GetProperty("glustervolumeoptions").GetRawText());
        Assert.Equal("{}", root.GetProperty("blockinfo").GetRawText());
        Assert.False(root.TryGetProperty("gid", out _));

        // replica 0 means Heketi's server default of 2.
        Assert.Equal(2, root.GetProperty("bricks").GetArrayLength());
    }

    [Fact]
    public async Task Create_Disperse4Plus2_NeedsSixNodes_AndSplitsTheSizeOverDataBricks()
    {
        await TopologyBuilder.BuildAsync(Admin, 3, 2, 1, Ct);
        var volume = await Admin.VolumeCreateAsync(
            new VolumeCreateRequest { Size = 8, Durability = new() { Type = "disperse", Disperse = new() { Data = 4, Redundancy = 2 } } }, Ct);
        Assert.Equal(6, volume.Bricks.Count);
        Assert.All(volume.Bricks, b => Assert.Equal(2 * GiB, b.Size));
        Assert.Equal(6, volume.Bricks.Select(b => b.NodeId).Distinct().Count());
    }

    [Fact]
    public async Task Create_Arbiter_MakesTheThirdBrickSmall()
    {
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var volume = await Admin.VolumeCreateAsync(Replica3(64, options: ["user.heketi.arbiter true"]), Ct);
        var sizes = volume.Bricks.Select(b => b.Size).ToList();
        Assert.Equal([64 * GiB, 64 * GiB, 64 * GiB / 64], sizes);
    }

    [Fact]
    public async Task Create_WhenNothingFits_AnswersNoSpaceSynchronously_AndChargesNothing()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var text = await ExpectAsync(HttpStatusCode.InternalServerError, "POST", "/volumes", """{"size":600,"durability":{"type":"replicate","replicate":{"replica":3}}}""");
        Assert.StartsWith("Failed to allocate new volume: No space", text, StringComparison.Ordinal);
        Assert.Contains("largest free per zone: zone 1: ", text, StringComparison.Ordinal);
        foreach (var node in built.Nodes)
        {
            Assert.Equal(0, (await Admin.DeviceInfoAsync(node.Devices[0].Id, Ct)).Storage.Used);
        }

        Assert.Empty((await Admin.VolumeListAsync(Ct)).Volumes);
    }

    [Fact]
    public async Task Create_WhenNothingFits_NamesASizeThatWouldFit_AndThatSizeIsCreated()
    {
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var text = await ExpectAsync(HttpStatusCode.InternalServerError, "POST", "/volumes", """{"size":600,"durability":{"type":"replicate","replicate":{"replica":3}}}""");
        const string tail = " GiB would fit now";
        Assert.EndsWith(tail, text.TrimEnd(), StringComparison.Ordinal);
        var body = text.TrimEnd();
        var gib = int.Parse(body[(body.LastIndexOf("; ", StringComparison.Ordinal) + 2)..^tail.Length], CultureInfo.InvariantCulture);

        var volume = await Admin.VolumeCreateAsync(Replica3(gib), Ct);

        Assert.InRange(gib, 1, 599);
        Assert.Equal(gib, volume.Size);
    }

    [Fact]
    public async Task Create_WithTooFewNodes_SaysSo()
    {
        await TopologyBuilder.BuildAsync(Admin, 1, 2, 2, Ct);
        var text = await ExpectAsync(HttpStatusCode.InternalServerError, "POST", "/volumes", """{"size":1,"durability":{"type":"replicate","replicate":{"replica":3}}}""");
        Assert.Contains("needs 3 distinct nodes", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_SplitsIntoMoreSetsWhenOneSetDoesNotFit()
    {
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        var volume = await Admin.VolumeCreateAsync(Replica3(800), Ct);
        Assert.Equal(6, volume.Bricks.Count);
        Assert.All(volume.Bricks, b => Assert.Equal(400 * GiB, b.Size));
    }

    [Fact]
    public async Task Create_DuplicateName_Is409()
    {
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        await Admin.VolumeCreateAsync(Replica3(1, "data"), Ct);
        Assert.Equal("Volume name 'data' already in use", await ExpectAsync(HttpStatusCode.Conflict, "POST", "/volumes", """{"size":1,"name":"data"}"""));
    }

    [Fact]
    public async Task Create_WithoutClusters_Is400()
    {
        Assert.Equal("No clusters configured", await ExpectAsync(HttpStatusCode.BadRequest, "POST", "/volumes", """{"size":1}"""));
        await Admin.ClusterCreateAsync(new ClusterCreateRequest { File = true }, Ct);
        Assert.Equal($"Cluster id {new string('c', 32)} not found", await ExpectAsync(HttpStatusCode.BadRequest, "POST", "/volumes", $$"""{"size":1,"clusters":["{{new string('c', 32)}}"]}"""));
    }

    [Theory]
    [InlineData("""{"size":0}""", 400)]
    [InlineData("""{"size":-5}""", 400)]
    [InlineData("""{"size":99999999999}""", 400)]
    [InlineData("""{"size":1e400}""", 422)]
    [InlineData("""{"size":"10"}""", 422)]
    [InlineData("""{"size":1.5}""", 422)]
    [InlineData("""{"size":1,"name":"x;reboot"}""", 400)]
    [InlineData("""{"size":1,"name":"$(id)"}""", 400)]
    [InlineData("""{"size":1,"gid":-1}""", 400)]
    [InlineData("""{"size":1,"gid":2147483647}""", 400)]
    [InlineData("""{"size":1,"durability":{"type":"replicate","replicate":{"replica":4}}}""", 400)]
    [InlineData("""{"size":1,"durability":{"type":"disperse","disperse":{"data":3,"redundancy":1}}}""", 400)]
    [InlineData("""{"size":1,"durability":{"type":"mirror"}}""", 400)]
    [InlineData("""{"size":1,"glustervolumeoptions":["bad\nkey value"]}""", 400)]
    [InlineData("""{"size":1,"glustervolumeoptions":["key;rm value"]}""", 400)]
    [InlineData("""{"size":1,"snapshot":{"enable":true,"factor":101}}""", 400)]
    [InlineData("""{"size":1,"clusters":["not-an-id"]}""", 400)]
    [InlineData("""{"size":1,"block":true}""", 400)]
    [InlineData("""[1,2,3]""", 422)]
    [InlineData("""{"size":1""", 422)]
    public async Task Create_BadInput_GetsAClearErrorAndLeavesNothing(string body, int status)
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var text = await ExpectAsync((HttpStatusCode)status, "POST", "/volumes", body);
        Assert.False(string.IsNullOrWhiteSpace(text));
        if (status == 400)
        {
            Assert.StartsWith("validation failed: ", text, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("request unable to be parsed", text);
        }

        Assert.Empty((await Admin.VolumeListAsync(Ct)).Volumes);
        Assert.Empty(Host.Executor.Volumes);
        Assert.False(Host.Executor.Calls.ContainsKey("BrickCreateAsync"));
        Assert.All(built.Nodes, n => Assert.Equal(0, n.Devices[0].Storage.Used));
    }

    [Fact]
    public async Task Expand_AddsASetAndGrowsTheSize()
    {
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        var volume = await Admin.VolumeCreateAsync(Replica3(10), Ct);
        var expanded = await Admin.VolumeExpandAsync(volume.Id, 5, Ct);
        Assert.Equal(15, expanded.Size);
        Assert.Equal(6, expanded.Bricks.Count);
        Assert.Equal(6, Host.Executor.Volumes[volume.Name].Count);
        Assert.Equal("validation failed: expand_size: must be between 1 and 4194304 GiB", await ExpectAsync(HttpStatusCode.BadRequest, "POST", $"/volumes/{volume.Id}/expand", """{"expand_size":0}"""));
        Assert.Equal("Id not found", await ExpectAsync(HttpStatusCode.NotFound, "POST", $"/volumes/{new string('d', 32)}/expand", """{"expand_size":1}"""));
    }

    [Fact]
    public async Task Delete_Finishes204_RemovesBricksAndGivesTheSpaceBack()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var volume = await Admin.VolumeCreateAsync(Replica3(10), Ct);
        using (var done = await AcceptedThenAsync("DELETE", $"/volumes/{volume.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
        }

        Assert.Equal("Id not found", await ExpectAsync(HttpStatusCode.NotFound, "GET", $"/volumes/{volume.Id}"));
        Assert.Empty((await Admin.VolumeListAsync(Ct)).Volumes);
        Assert.Empty(Host.Executor.Volumes);
        foreach (var node in built.Nodes)
        {
            var device = await Admin.DeviceInfoAsync(node.Devices[0].Id, Ct);
            Assert.Equal(0, device.Storage.Used);
            Assert.Empty(device.Bricks);
            Assert.Empty(Host.Executor.ThinPools(node.Hostnames.Manage[0]));
        }
    }

    [Fact]
    public async Task Delete_HeketiDbStorage_Is409()
    {
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var volume = await Admin.VolumeCreateAsync(Replica3(2, "heketidbstorage"), Ct);
        await ExpectAsync(HttpStatusCode.Conflict, "DELETE", $"/volumes/{volume.Id}");
        Assert.Single((await Admin.VolumeListAsync(Ct)).Volumes);
    }

    [Fact]
    public async Task Create_WhenABrickFailsOnANode_RollsBackEverything()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var victim = built.Nodes[1].Hostnames.Manage[0];
        Host.Executor.BeforeCommand = (method, host) => method == "BrickCreateAsync" && host == victim
            ? Task.FromException(new Aplo.Core.Execution.ExecutorException(host, "mkfs.xfs: cannot open device"))
            : Task.CompletedTask;

        var error = await Assert.ThrowsAsync<HeketiClientException>(() => Admin.VolumeCreateAsync(Replica3(10), Ct));
        Assert.Equal(HttpStatusCode.InternalServerError, error.Status);
        Assert.Contains("mkfs.xfs: cannot open device", error.Message, StringComparison.Ordinal);

        Assert.Empty((await Admin.VolumeListAsync(Ct)).Volumes);
        Assert.Empty(Host.Executor.Volumes);
        foreach (var node in built.Nodes)
        {
            Assert.Equal(0, (await Admin.DeviceInfoAsync(node.Devices[0].Id, Ct)).Storage.Used);
            Assert.Empty(Host.Executor.ThinPools(node.Hostnames.Manage[0]));
        }
    }

    [Fact]
    public async Task UserRole_MayCreateListAndReadItsOwnVolumes_ButNothingElse()
    {
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var user = Host.User();
        var mine = await user.VolumeCreateAsync(Replica3(1), Ct);
        Assert.Contains(mine.Id, (await user.VolumeListAsync(Ct)).Volumes);

        var theirs = await Admin.VolumeCreateAsync(Replica3(1), Ct);
        var denied = await Assert.ThrowsAsync<HeketiClientException>(() => user.VolumeInfoAsync(theirs.Id, Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, denied.Status);
        Assert.Equal("Administrator access required", denied.Message);
        denied = await Assert.ThrowsAsync<HeketiClientException>(() => user.VolumeDeleteAsync(mine.Id, Ct));
        Assert.Equal("Administrator access required", denied.Message);
        denied = await Assert.ThrowsAsync<HeketiClientException>(() => user.ClusterListAsync(Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, denied.Status);
    }
}
