using System.Net;
using System.Text.Json;
using Aplo.Client;
using Aplo.Contracts;
using Aplo.Core.Execution;
using Aplo.TestKit;

namespace Aplo.Server.Tests;

/// <summary>
/// Brick eviction and device and node removal through the API, on simulated nodes: where the new brick goes,
/// what Gluster holds afterwards, what each device is charged, and what a refused or failed move leaves (nothing).
/// </summary>
public sealed class BrickEvictionTests : FaultableHostTests
{
    [Fact]
    public async Task Evict_MovesTheBrickToTheOtherDeviceOfItsNode_AndFreesTheOldOne()
    {
        await StartAsync();
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        var volume = await Admin.VolumeCreateAsync(Replica3(10), Ct);
        var old = volume.Bricks.Single(b => b.NodeId == built.Nodes[0].Id);
        var charged = (await Admin.DeviceInfoAsync(old.DeviceId, Ct)).Storage.Used;

        await Admin.BrickEvictAsync(old.Id, Ct);

        var after = await Admin.VolumeInfoAsync(volume.Id, Ct);
        Assert.Equal(3, after.Bricks.Count);
        Assert.DoesNotContain(after.Bricks, b => b.Id == old.Id);
        var moved = after.Bricks.Single(b => b.NodeId == built.Nodes[0].Id);

        // Nodes 2 and 3 hold the set's other bricks, so the only place that keeps the set on three nodes is the
        // node's other disk.
        var otherDisk = built.Nodes[0].Devices.Single(d => d.Id != old.DeviceId).Id;
        Assert.Equal(otherDisk, moved.DeviceId);
        Assert.Equal(old.Size, moved.Size);
        Assert.Equal(0, (await Admin.DeviceInfoAsync(old.DeviceId, Ct)).Storage.Used);
        Assert.Equal(charged, (await Admin.DeviceInfoAsync(otherDisk, Ct)).Storage.Used);
        Assert.Equal([$"vg_{otherDisk}/tp_{moved.Id}"], Host.Executor.ThinPools(built.Nodes[0].Hostnames.Manage[0]));

        var gluster = Host.Executor.Volumes[volume.Name];
        Assert.Contains($"{built.Nodes[0].Hostnames.Storage[0]}:{moved.Path}", gluster);
        Assert.DoesNotContain(gluster, b => b.EndsWith(old.Path, StringComparison.Ordinal));
        await AssertSettledAsync();
    }

    [Fact]
    public async Task Evict_NowhereToGo_IsRefusedAtOnce_SayingWhy_AndNothingChanges()
    {
        await StartAsync();
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var volume = await Admin.VolumeCreateAsync(Replica3(10), Ct);

        using var response = await SendAsync(HttpMethod.Post, "/bricks/to-evict/" + volume.Bricks[0].Id);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.StartsWith("No Replacement was found: ", text, StringComparison.Ordinal);
        Assert.Equal(volume.Bricks.Select(b => b.Id), (await Admin.VolumeInfoAsync(volume.Id, Ct)).Bricks.Select(b => b.Id));
        Assert.False(Host.Executor.Calls.ContainsKey("BrickCreateAsync") && Host.Executor.Calls["BrickCreateAsync"] > 3);
        await AssertSettledAsync();
    }

    [Fact]
    public async Task Evict_ABrickOfAVolumeWithoutRedundancy_IsRefused()
    {
        await StartAsync();
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        var volume = await Admin.VolumeCreateAsync(new VolumeCreateRequest { Size = 10, Durability = new() { Type = "none" } }, Ct);

        using var response = await SendAsync(HttpMethod.Post, "/bricks/to-evict/" + volume.Bricks[0].Id);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("durability none", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/bricks/to-evict/0123456789abcdef0123456789abcdef", null, HttpStatusCode.NotFound)]
    [InlineData("/bricks/to-evict/{brick}", """{"healcheck":"maybe"}""", HttpStatusCode.BadRequest)]
    [InlineData("/bricks/to-evict/{brick}", """{"healcheck":""", (HttpStatusCode)422)]
    public async Task Evict_BadRequests_AreRefusedWithNothingMade(string path, string? body, HttpStatusCode status)
    {
        await StartAsync();
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        var volume = await Admin.VolumeCreateAsync(Replica3(10), Ct);

        using var response = await SendAsync(HttpMethod.Post, path.Replace("{brick}", volume.Bricks[0].Id, StringComparison.Ordinal), body);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(3, Host.Executor.Calls["BrickCreateAsync"]);
        await AssertSettledAsync();
    }

    [Fact]
    public async Task Evict_TheBrickIsASourceOfPendingHeals_IsRefused_UnlessTheHealCheckIsOff()
    {
        await StartAsync();
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        var volume = await Admin.VolumeCreateAsync(Replica3(10), Ct);
        var old = volume.Bricks.Single(b => b.NodeId == built.Nodes[0].Id);
        Host.Executor.HealEntries[$"{built.Nodes[0].Hostnames.Storage[0]}:{old.Path}"] = 7;
        var used = await UsedAsync(built);

        var refused = await Assert.ThrowsAsync<HeketiClientException>(() => Admin.BrickEvictAsync(old.Id, Ct));

        Assert.Equal(HttpStatusCode.InternalServerError, refused.Status);
        Assert.Contains("has 7 entries to heal", refused.Message, StringComparison.Ordinal);
        Assert.Equal(volume.Bricks.Select(b => b.Id), (await Admin.VolumeInfoAsync(volume.Id, Ct)).Bricks.Select(b => b.Id));
        Assert.Equal(used, await UsedAsync(built));
        Assert.Single(Host.Executor.ThinPools(built.Nodes[0].Hostnames.Manage[0]));
        await AssertSettledAsync();

        await Admin.BrickEvictAsync(old.Id, Ct, healCheck: "disable");
        Assert.DoesNotContain((await Admin.VolumeInfoAsync(volume.Id, Ct)).Bricks, b => b.Id == old.Id);
    }

    [Fact]
    public async Task Evict_AnotherBrickOfTheSetIsDown_IsRefusedForQuorum()
    {
        await StartAsync();
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        var volume = await Admin.VolumeCreateAsync(Replica3(10), Ct);
        var old = volume.Bricks.Single(b => b.NodeId == built.Nodes[0].Id);

        // Gluster cannot reach node 2's brick; the commands still go to the nodes' manage addresses.
        Host.Executor.DownHosts.Add(built.Nodes[1].Hostnames.Storage[0]);

        var refused = await Assert.ThrowsAsync<HeketiClientException>(() => Admin.BrickEvictAsync(old.Id, Ct));

        Assert.Contains("1 of the other 2 bricks of its set are up and the set needs 2", refused.Message, StringComparison.Ordinal);
        Assert.Equal(volume.Bricks.Select(b => b.Id), (await Admin.VolumeInfoAsync(volume.Id, Ct)).Bricks.Select(b => b.Id));
        await AssertSettledAsync();
    }

    [Fact]
    public async Task Evict_ReplaceBrickFailsBeforeItRuns_TheNewBrickIsDestroyed_AndTheVolumeIsAsBefore()
    {
        await StartAsync();
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        var volume = await Admin.VolumeCreateAsync(Replica3(10), Ct);
        var used = await UsedAsync(built);
        Host.Executor.BeforeCommand = (m, h) =>
            m == "VolumeReplaceBrickAsync" ? throw new ExecutorException(h, "volume replace-brick: failed: Commit failed") : Task.CompletedTask;

        var error = await Assert.ThrowsAsync<HeketiClientException>(() => Admin.BrickEvictAsync(volume.Bricks[0].Id, Ct));

        Assert.Contains("Commit failed", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, Host.Executor.Calls["BrickDestroyAsync"]);
        Assert.Equal(used, await UsedAsync(built));
        Assert.Equal(3, built.Nodes.Sum(n => Host.Executor.ThinPools(n.Hostnames.Manage[0]).Count));
        Assert.Equal(volume.Bricks.Select(b => b.Id), (await Admin.VolumeInfoAsync(volume.Id, Ct)).Bricks.Select(b => b.Id));
        await AssertSettledAsync();

        // The volume is free again: the next operation on it goes through.
        Host.Executor.BeforeCommand = null;
        await Admin.BrickEvictAsync(volume.Bricks[0].Id, Ct);
    }

    [Fact]
    public async Task Evict_ReplaceBrickReplyLost_IsCompleted()
    {
        await StartAsync("fail:VolumeReplaceBrick:after");
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        var volume = await Admin.VolumeCreateAsync(Replica3(10), Ct);
        var old = volume.Bricks[0];

        await Admin.BrickEvictAsync(old.Id, Ct);

        var after = await Admin.VolumeInfoAsync(volume.Id, Ct);
        Assert.DoesNotContain(after.Bricks, b => b.Id == old.Id);
        Assert.Equal(after.Bricks.Count, Host.Executor.Volumes[volume.Name].Count);
        Assert.Equal(0, (await Admin.DeviceInfoAsync(old.DeviceId, Ct)).Storage.Used);
        Assert.Equal(3, built.Nodes.Sum(n => Host.Executor.ThinPools(n.Hostnames.Manage[0]).Count));
        await AssertSettledAsync();
    }

    [Fact]
    public async Task Evict_OldBrickCannotBeDestroyed_TheMoveStands_AndTheCleanerRemovesItLater()
    {
        await StartAsync();
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        var volume = await Admin.VolumeCreateAsync(Replica3(10), Ct);
        var old = volume.Bricks.Single(b => b.NodeId == built.Nodes[0].Id);
        var manage = built.Nodes[0].Hostnames.Manage[0];
        var charged = (await Admin.DeviceInfoAsync(old.DeviceId, Ct)).Storage.Used;
        Host.Executor.BeforeCommand = (m, h) =>
            m == "BrickDestroyAsync" ? throw new ExecutorException(h, "umount: target is busy") : Task.CompletedTask;

        var error = await Assert.ThrowsAsync<HeketiClientException>(() => Admin.BrickEvictAsync(old.Id, Ct));

        Assert.Contains($"the old brick could not be removed ({manage}: umount: target is busy)", error.Message, StringComparison.Ordinal);
        var after = await Admin.VolumeInfoAsync(volume.Id, Ct);
        Assert.DoesNotContain(after.Bricks, b => b.Id == old.Id);
        Assert.Equal(2, Host.Executor.ThinPools(manage).Count);
        Assert.Equal(charged, (await Admin.DeviceInfoAsync(old.DeviceId, Ct)).Storage.Used);
        using (var summary = JsonDocument.Parse(await GetAsync("/operations")))
        {
            Assert.Equal(1, summary.RootElement.GetProperty("failed").GetInt32());
        }

        // The volume is not held by the leftover.
        Assert.Equal(20, (await Admin.VolumeExpandAsync(volume.Id, 10, Ct)).Size);

        Host.Executor.BeforeCommand = null;
        var usedBefore = (await Admin.DeviceInfoAsync(old.DeviceId, Ct)).Storage.Used;
        using (var cleaned = await AcceptedThenAsync("/operations/pending/cleanup", """{"operations":[]}"""))
        {
            Assert.Equal(HttpStatusCode.NoContent, cleaned.StatusCode);
        }

        // Exactly the old brick's charge comes back (the expansion may have put a brick on the same device).
        Assert.Equal(usedBefore - charged, (await Admin.DeviceInfoAsync(old.DeviceId, Ct)).Storage.Used);
        Assert.DoesNotContain(Host.Executor.ThinPools(manage), p => p.EndsWith("tp_" + old.Id, StringComparison.Ordinal));
        await AssertSettledAsync();
    }

    [Fact]
    public async Task DeviceRemove_MovesEveryBrick_FailsTheDevice_ThenItCanBeDeleted()
    {
        await StartAsync();
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        var volumes = new List<VolumeInfoResponse>();
        for (var i = 0; i < 4; i++)
        {
            volumes.Add(await Admin.VolumeCreateAsync(Replica3(10), Ct));
        }

        var node = built.Nodes[0];
        var device = node.Devices.OrderByDescending(d => volumes.Count(v => v.Bricks.Any(b => b.DeviceId == d.Id))).First();
        var onDevice = volumes.SelectMany(v => v.Bricks).Count(b => b.DeviceId == device.Id);
        Assert.True(onDevice > 0, "the premise: the device holds bricks");

        using (var refused = await SendAsync(HttpMethod.Post, $"/devices/{device.Id}/state", """{"state":"failed"}"""))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        }

        await Admin.DeviceStateAsync(device.Id, "offline", Ct);
        await Admin.DeviceStateAsync(device.Id, "failed", Ct);

        var info = await Admin.DeviceInfoAsync(device.Id, Ct);
        Assert.Equal("failed", info.State);
        Assert.Empty(info.Bricks);
        Assert.Equal(0, info.Storage.Used);
        var other = node.Devices.Single(d => d.Id != device.Id).Id;
        Assert.Equal(volumes.Count, (await Admin.DeviceInfoAsync(other, Ct)).Bricks.Count);
        foreach (var v in volumes)
        {
            var now = await Admin.VolumeInfoAsync(v.Id, Ct);
            Assert.Equal(3, now.Bricks.Select(b => b.NodeId).Distinct().Count());
            Assert.Equal(now.Bricks.Select(b => b.Path).Order(StringComparer.Ordinal), Host.Executor.Volumes[v.Name].Select(b => b[(b.IndexOf(':') + 1)..]).Order(StringComparer.Ordinal));
        }

        await Admin.DeviceDeleteAsync(device.Id, Ct);
        Assert.DoesNotContain((await Admin.NodeInfoAsync(node.Id, Ct)).Devices, d => d.Id == device.Id);
        Assert.DoesNotContain((await Host.Executor.NodeInventoryAsync(node.Hostnames.Manage[0], Ct)).VolumeGroups, g => g.Name == "vg_" + device.Id);
        await AssertSettledAsync();
    }

    [Fact]
    public async Task DeviceRemove_ABrickHasNowhereToGo_StopsThere_AndTheDeviceStaysOffline()
    {
        await StartAsync();
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var volume = await Admin.VolumeCreateAsync(Replica3(10), Ct);
        var device = built.Nodes[0].Devices[0].Id;
        await Admin.DeviceStateAsync(device, "offline", Ct);

        var error = await Assert.ThrowsAsync<HeketiClientException>(() => Admin.DeviceStateAsync(device, "failed", Ct));

        Assert.Contains("0 of 1 bricks moved", error.Message, StringComparison.Ordinal);
        Assert.Contains("No Replacement was found", error.Message, StringComparison.Ordinal);
        var info = await Admin.DeviceInfoAsync(device, Ct);
        Assert.Equal("offline", info.State);
        Assert.Single(info.Bricks);
        Assert.Equal(volume.Bricks.Select(b => b.Id), (await Admin.VolumeInfoAsync(volume.Id, Ct)).Bricks.Select(b => b.Id));
        await AssertSettledAsync();
    }

    [Fact]
    public async Task DeviceRemove_ABrickOfACreateInFlight_IsNotLeftOnAFailedDevice()
    {
        await StartAsync();
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var device = built.Nodes[0].Devices[0].Id;
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Host.Executor.BeforeCommand = (m, _) =>
        {
            if (m != "VolumeCreateAsync")
            {
                return Task.CompletedTask;
            }

            held.TrySetResult();
            return release.Task;
        };
        var create = Admin.VolumeCreateAsync(Replica3(10), Ct);
        await held.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await Admin.DeviceStateAsync(device, "offline", Ct);

        var error = await Assert.ThrowsAsync<HeketiClientException>(() => Admin.DeviceStateAsync(device, "failed", Ct));

        Assert.Contains("belong to an operation still running", error.Message, StringComparison.Ordinal);
        Assert.Equal("offline", (await Admin.DeviceInfoAsync(device, Ct)).State);
        release.TrySetResult();
        await create;
    }

    [Fact]
    public async Task NodeRemove_MovesItsBricksToTheSpareNode_AndFailsItsDevices()
    {
        await StartAsync();
        var built = await TopologyBuilder.BuildAsync(Admin, 2, 2, 1, Ct);
        var volume = await Admin.VolumeCreateAsync(Replica3(10), Ct);
        var node = built.Nodes.First(n => volume.Bricks.Any(b => b.NodeId == n.Id));
        var spare = built.Nodes.Single(n => volume.Bricks.All(b => b.NodeId != n.Id));

        await Admin.NodeStateAsync(node.Id, "offline", Ct);
        await Admin.NodeStateAsync(node.Id, "failed", Ct);

        var info = await Admin.NodeInfoAsync(node.Id, Ct);
        Assert.Equal("failed", info.State);
        Assert.All(info.Devices, d => Assert.Equal("failed", d.State));
        Assert.All(info.Devices, d => Assert.Empty(d.Bricks));
        var after = await Admin.VolumeInfoAsync(volume.Id, Ct);
        Assert.Contains(after.Bricks, b => b.NodeId == spare.Id);
        Assert.DoesNotContain(after.Bricks, b => b.NodeId == node.Id);
        Assert.Empty(Host.Executor.ThinPools(node.Hostnames.Manage[0]));
        await AssertSettledAsync();
    }

    [Fact]
    public async Task Removal_InProgress_RefusesOtherChangesToTheDevice()
    {
        await StartAsync();
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        await Admin.VolumeCreateAsync(Replica3(10), Ct);
        var device = built.Nodes[0].Devices.Single(d => (Host.Executor.ThinPools(built.Nodes[0].Hostnames.Manage[0])).Any(p => p.StartsWith("vg_" + d.Id, StringComparison.Ordinal))).Id;
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Host.Executor.BeforeCommand = (m, _) =>
        {
            if (m != "VolumeReplaceBrickAsync")
            {
                return Task.CompletedTask;
            }

            held.TrySetResult();
            return release.Task;
        };
        await Admin.DeviceStateAsync(device, "offline", Ct);
        using var accepted = await SendAsync(HttpMethod.Post, $"/devices/{device}/state", """{"state":"failed"}""");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await held.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        using (var online = await SendAsync(HttpMethod.Post, $"/devices/{device}/state", """{"state":"online"}"""))
        {
            Assert.Equal(HttpStatusCode.Conflict, online.StatusCode);
            Assert.Contains("is being removed", await online.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using (var pending = JsonDocument.Parse(await GetAsync("/operations/pending")))
        {
            var types = pending.RootElement.GetProperty("pendingoperations").EnumerateArray().Select(o => o.GetProperty("type_name").GetString()).Order(StringComparer.Ordinal);
            Assert.Equal(["evict-brick", "remove-device"], types);
        }

        release.TrySetResult();
        using var done = await Admin.WaitAsync(accepted.Headers.Location!.OriginalString, Ct);
        Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
        Assert.Equal("failed", (await Admin.DeviceInfoAsync(device, Ct)).State);
        await AssertSettledAsync();
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body = null) =>
        Admin.SendAsync(method, path, body is null ? null : new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

    private async Task<HttpResponseMessage> AcceptedThenAsync(string path, string body)
    {
        using var accepted = await SendAsync(HttpMethod.Post, path, body);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        return await Admin.WaitAsync(accepted.Headers.Location!.OriginalString, Ct);
    }

    /// <summary>No pending operation, and the store agrees with itself and with the simulated nodes.</summary>
    private async Task AssertSettledAsync()
    {
        using (var summary = JsonDocument.Parse(await GetAsync("/operations")))
        {
            Assert.Equal(0, summary.RootElement.GetProperty("total").GetInt32());
        }

        using (var check = JsonDocument.Parse(await GetAsync("/db/check")))
        {
            Assert.Equal(0, check.RootElement.GetProperty("totalinconsistencies").GetInt32());
        }

        using var reconcile = JsonDocument.Parse(await GetAsync("/reconcile"));
        var drift = reconcile.RootElement.GetProperty("clusters").EnumerateArray().SelectMany(c => c.GetProperty("drift").EnumerateArray()).Select(d => d.GetRawText()).ToList();
        Assert.True(drift.Count == 0, "drift: " + string.Join("\n", drift));
    }
}
