using System.Net;
using System.Text.Json;
using Aplo.Client;
using Aplo.Contracts;
using Aplo.Core.Execution;
using Aplo.Core.Topology;
using Aplo.TestKit;

namespace Aplo.Server.Tests;

/// <summary>
/// What a failed operation leaves behind. A node command can fail before it runs (<c>BeforeCommand</c> throws)
/// or run and lose its reply (a fault plan that fails after the call): either way a rolled-back operation must
/// leave no thin pool, no Gluster volume and no charged space, and touch nothing that is not its own.
/// </summary>
public sealed class RollbackTests : FaultableHostTests
{
    [Fact]
    public async Task Create_ABrickCreateFails_EveryBrickIsDestroyed()
    {
        await StartAsync();
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var creates = 0;
        Host.Executor.BeforeCommand = (m, h) =>
            m == "BrickCreateAsync" && Interlocked.Increment(ref creates) == 2 ? throw new ExecutorException(h, "mkfs.xfs: cannot open device") : Task.CompletedTask;

        var error = await Assert.ThrowsAsync<HeketiClientException>(() => Admin.VolumeCreateAsync(Replica3(10), Ct));

        Assert.Equal(HttpStatusCode.InternalServerError, error.Status);
        Assert.Contains("mkfs.xfs: cannot open device", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, Host.Executor.Calls["BrickDestroyAsync"]);
        await AssertNothingLeftAsync(built);
    }

    [Fact]
    public async Task Create_BrickCreateReplyLost_ThatBrickIsDestroyedToo()
    {
        await StartAsync("fail:BrickCreate@node2.example:after");
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);

        var error = await Assert.ThrowsAsync<HeketiClientException>(() => Admin.VolumeCreateAsync(Replica3(10), Ct));

        Assert.Contains("injected failure", error.Message, StringComparison.Ordinal);
        await AssertNothingLeftAsync(built);
    }

    [Fact]
    public async Task Create_VolumeCreateReplyLost_TheGlusterVolumeIsDestroyed()
    {
        await StartAsync("fail:VolumeCreate:after");
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);

        await Assert.ThrowsAsync<HeketiClientException>(() => Admin.VolumeCreateAsync(Replica3(10), Ct));

        Assert.Equal(1, Host.Executor.Calls["VolumeDestroyAsync"]);
        await AssertNothingLeftAsync(built);
    }

    [Fact]
    public async Task Create_GlusterHasTheNameWithOtherBricks_ThatVolumeSurvives()
    {
        await StartAsync();
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var storage = built.Nodes[0].Hostnames.Storage[0];
        var theirs = new BrickAddress(storage, "/srv/theirs/brick");
        await Host.Executor.VolumeCreateAsync(
            built.Nodes[0].Hostnames.Manage[0], new VolumeRequest("shared", new Durability(DurabilityType.None, 1, 0, 0, false), [theirs], []), Ct);

        var error = await Assert.ThrowsAsync<HeketiClientException>(() => Admin.VolumeCreateAsync(Replica3(10) with { Name = "shared" }, Ct));

        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
        Assert.Equal([theirs.ToString()], Host.Executor.Volumes["shared"]);
        Assert.False(Host.Executor.Calls.ContainsKey("VolumeDestroyAsync"));
        await AssertNothingLeftAsync(built, glusterVolumes: 1);
    }

    [Fact]
    public async Task Expand_AddBrickReplyLost_IsCompleted()
    {
        await StartAsync("fail:VolumeExpand:after");
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        var volume = await Admin.VolumeCreateAsync(Replica3(10), Ct);

        var expanded = await Admin.VolumeExpandAsync(volume.Id, 10, Ct);

        Assert.Equal(20, expanded.Size);
        Assert.Equal(6, expanded.Bricks.Count);
        Assert.Equal(6, Host.Executor.Volumes[volume.Name].Count);
        Assert.Equal(0, await PendingCountAsync());
        Assert.False(Host.Executor.Calls.ContainsKey("BrickDestroyAsync"));
    }

    [Fact]
    public async Task Expand_AddBrickFailsBeforeItRuns_NewBricksDestroyedAndSpaceFreed()
    {
        await StartAsync();
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        var volume = await Admin.VolumeCreateAsync(Replica3(10), Ct);
        var before = await UsedAsync(built);
        Host.Executor.BeforeCommand = (m, h) => m == "VolumeExpandAsync" ? throw new ExecutorException(h, "volume add-brick: failed: staging failed") : Task.CompletedTask;

        var error = await Assert.ThrowsAsync<HeketiClientException>(() => Admin.VolumeExpandAsync(volume.Id, 10, Ct));

        Assert.Contains("staging failed", error.Message, StringComparison.Ordinal);
        await AssertExpansionUndoneAsync(built, volume, before);
    }

    [Fact]
    public async Task Expand_NewBrickReplyLost_NewBricksDestroyedAndSpaceFreed()
    {
        // The create makes bricks 1-3; the expansion's first brick is made but its reply is lost.
        await StartAsync("fail:BrickCreate#4:after");
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        var volume = await Admin.VolumeCreateAsync(Replica3(10), Ct);
        var before = await UsedAsync(built);

        await Assert.ThrowsAsync<HeketiClientException>(() => Admin.VolumeExpandAsync(volume.Id, 10, Ct));

        await AssertExpansionUndoneAsync(built, volume, before);
    }

    [Fact]
    public async Task Expand_GlusterHasSomeOfTheNewBricks_OperationIsMarkedFailed_AndKeepsItsRecords()
    {
        await StartAsync();
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        var volume = await Admin.VolumeCreateAsync(Replica3(10), Ct);
        var before = await UsedAsync(built);
        var topology = (TopologyManager)Host.App.Services.GetService(typeof(TopologyManager))!;
        Host.Executor.BeforeCommand = async (m, h) =>
        {
            if (m != "VolumeExpandAsync")
            {
                return;
            }

            // The add-brick got one new brick in before it failed.
            Host.Executor.BeforeCommand = null;
            var first = topology.Read(model =>
            {
                var b = model.BrickIdsOf(volume.Id).Select(id => model.Bricks[id]).First(b => b.PendingOperationId is not null);
                return new BrickAddress(model.Nodes[b.NodeId].StorageHostname, b.Path);
            });
            await Host.Executor.VolumeExpandAsync(h, new VolumeRequest(volume.Name, new Durability(DurabilityType.Replicate, 3, 0, 0, false), [first], []), Ct);
            throw new ExecutorException(h, "volume add-brick: failed: Commit failed on 10.1.2.2");
        };

        await Assert.ThrowsAsync<HeketiClientException>(() => Admin.VolumeExpandAsync(volume.Id, 10, Ct));

        using var summary = JsonDocument.Parse(await GetAsync("/operations"));
        Assert.Equal(1, summary.RootElement.GetProperty("failed").GetInt32());
        Assert.Equal(4, Host.Executor.Volumes[volume.Name].Count);
        Assert.False(Host.Executor.Calls.ContainsKey("BrickDestroyAsync"));
        Assert.Equal(6, built.Nodes.Sum(n => Host.Executor.ThinPools(n.Hostnames.Manage[0]).Count));
        Assert.True((await UsedAsync(built)).Sum() > before.Sum(), "the new bricks stay charged until the cleaner settles them");
    }

    [Fact]
    public async Task DeviceAdd_SetupReplyLost_TheVolumeGroupIsTornDown()
    {
        await StartAsync("fail:DeviceSetup:after");
        var built = await TopologyBuilder.BuildAsync(Admin, 1, 1, 0, Ct);
        var node = built.Nodes[0];

        var error = await Assert.ThrowsAsync<HeketiClientException>(() => Admin.DeviceAddAsync(new DeviceAddRequest { NodeId = node.Id, Name = "/dev/sdb" }, Ct));

        Assert.Equal(HttpStatusCode.InternalServerError, error.Status);
        Assert.Empty((await Admin.NodeInfoAsync(node.Id, Ct)).Devices);
        Assert.Empty((await Host.Executor.NodeInventoryAsync(node.Hostnames.Manage[0], Ct)).VolumeGroups);
        Assert.Equal(1, Host.Executor.Calls["DeviceTeardownAsync"]);
        Assert.Equal(0, await PendingCountAsync());

        // The PV went too: the disk can be added again.
        await Admin.DeviceAddAsync(new DeviceAddRequest { NodeId = node.Id, Name = "/dev/sdb" }, Ct);
        Assert.Single((await Admin.NodeInfoAsync(node.Id, Ct)).Devices);
    }

    [Fact]
    public async Task DeviceAdd_SetupReplyLostAndTeardownFails_IsMarkedFailed_ThenTheCleanerTearsItDown()
    {
        await StartAsync("fail:DeviceSetup:after");
        var built = await TopologyBuilder.BuildAsync(Admin, 1, 1, 0, Ct);
        var node = built.Nodes[0];
        var manage = node.Hostnames.Manage[0];
        Host.Executor.BeforeCommand = (m, h) => m == "DeviceTeardownAsync" ? throw new ExecutorException(h, "Can't remove volume group: device busy") : Task.CompletedTask;

        using var accepted = await Admin.SendAsync(
            HttpMethod.Post, "/devices", new StringContent($$"""{"name":"/dev/sdb","node":"{{node.Id}}"}""", System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var location = accepted.Headers.Location!.OriginalString;
        using (var done = await Admin.WaitAsync(location, Ct))
        {
            // The client is told why the add failed, not why the undo did.
            Assert.Equal(HttpStatusCode.InternalServerError, done.StatusCode);
            Assert.Contains("injected failure", await done.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using (var summary = JsonDocument.Parse(await GetAsync("/operations")))
        {
            Assert.Equal(1, summary.RootElement.GetProperty("failed").GetInt32());
        }

        Assert.Single((await Host.Executor.NodeInventoryAsync(manage, Ct)).VolumeGroups);

        Host.Executor.BeforeCommand = null;
        var opId = location["/queue/".Length..];
        using var cleanup = await Admin.SendAsync(
            HttpMethod.Post, "/operations/pending/cleanup", new StringContent($$"""{"operations":["{{opId}}"]}""", System.Text.Encoding.UTF8, "application/json"), Ct);
        using (var cleaned = await Admin.WaitAsync(cleanup.Headers.Location!.OriginalString, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, cleaned.StatusCode);
        }

        Assert.Equal(0, await PendingCountAsync());
        Assert.Empty((await Host.Executor.NodeInventoryAsync(manage, Ct)).VolumeGroups);
        Assert.Empty((await Admin.NodeInfoAsync(node.Id, Ct)).Devices);
    }

    [Fact]
    public async Task DeviceAdd_DiskHoldsSomeoneElsesVolumeGroup_ItIsLeftAlone()
    {
        await StartAsync();
        var built = await TopologyBuilder.BuildAsync(Admin, 1, 1, 0, Ct);
        var node = built.Nodes[0];
        var manage = node.Hostnames.Manage[0];
        await Host.Executor.DeviceSetupAsync(manage, new DeviceRequest("f00d", "/dev/sdb", false), Ct);

        var error = await Assert.ThrowsAsync<HeketiClientException>(() => Admin.DeviceAddAsync(new DeviceAddRequest { NodeId = node.Id, Name = "/dev/sdb" }, Ct));

        Assert.Contains("already a physical volume", error.Message, StringComparison.Ordinal);
        Assert.Empty((await Admin.NodeInfoAsync(node.Id, Ct)).Devices);
        Assert.Equal(["vg_f00d"], (await Host.Executor.NodeInventoryAsync(manage, Ct)).VolumeGroups.Select(g => g.Name));
        Assert.False(Host.Executor.Calls.ContainsKey("DeviceTeardownAsync"));
    }

    /// <summary>No volume in the store, no thin pool on any node, no charged space, no pending operation.</summary>
    private async Task AssertNothingLeftAsync(BuiltCluster built, int glusterVolumes = 0)
    {
        Assert.Empty((await Admin.VolumeListAsync(Ct)).Volumes);
        Assert.Equal(glusterVolumes, Host.Executor.Volumes.Count);
        Assert.All(await UsedAsync(built), used => Assert.Equal(0, used));
        foreach (var node in built.Nodes)
        {
            Assert.Empty(Host.Executor.ThinPools(node.Hostnames.Manage[0]));
        }

        Assert.Equal(0, await PendingCountAsync());
    }

    /// <summary>The volume is as before the expansion, on the nodes and in the store, and can be expanded again.</summary>
    private async Task AssertExpansionUndoneAsync(BuiltCluster built, VolumeInfoResponse volume, long[] usedBefore)
    {
        var info = await Admin.VolumeInfoAsync(volume.Id, Ct);
        Assert.Equal(10, info.Size);
        Assert.Equal(volume.Bricks.Select(b => b.Id).Order(StringComparer.Ordinal), info.Bricks.Select(b => b.Id).Order(StringComparer.Ordinal));
        Assert.Equal(usedBefore, await UsedAsync(built));
        Assert.Equal(3, Host.Executor.Volumes[volume.Name].Count);
        Assert.Equal(3, built.Nodes.Sum(n => Host.Executor.ThinPools(n.Hostnames.Manage[0]).Count));
        Assert.Equal(0, await PendingCountAsync());

        Host.Executor.BeforeCommand = null;
        Assert.Equal(20, (await Admin.VolumeExpandAsync(volume.Id, 10, Ct)).Size);
    }
}
