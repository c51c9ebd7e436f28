using System.Net;
using Aplo.Contracts;
using Aplo.Core.Topology;
using Aplo.TestKit;

namespace Aplo.Server.Tests;

/// <summary>
/// A crash in the middle of an operation, taken as a copy of the database file (and its WAL) while the
/// operation is held mid-way: exactly what a SIGKILL at that point leaves on disk. A server started on the copy
/// must roll the operation back or forward, leaving no pending record, no charged space for nothing and no
/// leftovers on the (simulated) nodes.
/// </summary>
public sealed class CrashRecoveryTests : ApiTestBase
{
    private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Fact]
    public async Task CreateInterruptedAfterTheBricks_IsRolledBack()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        HoldAt("VolumeCreateAsync");
        using var accepted = await SendAsync("POST", "/volumes", """{"size":10,"durability":{"type":"replicate","replicate":{"replica":3}}}""");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(3, Host.Executor.Calls["BrickCreateAsync"]);

        await using var recovered = await CrashCopyAsync();

        var admin = recovered.Admin();
        Assert.Empty((await admin.VolumeListAsync(Ct)).Volumes);
        foreach (var node in built.Nodes)
        {
            Assert.Equal(0, (await admin.DeviceInfoAsync(node.Devices[0].Id, Ct)).Storage.Used);
            Assert.Empty(recovered.Executor.ThinPools(node.Hostnames.Manage[0]));
        }

        Assert.Equal(3, recovered.Executor.Calls["BrickDestroyAsync"]);
        Assert.Empty(recovered.Executor.Volumes);

        // The client that was polling before the crash gets the real end, not Heketi's 404.
        using var done = await admin.WaitAsync(accepted.Headers.Location!.OriginalString, Ct);
        Assert.Equal(HttpStatusCode.InternalServerError, done.StatusCode);
        Assert.StartsWith("The server stopped before the operation finished", await done.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteInterruptedBeforeGluster_IsCompleted()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var volume = await Admin.VolumeCreateAsync(new VolumeCreateRequest { Size = 10, Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } } }, Ct);
        HoldAt("VolumeDestroyAsync");
        using var accepted = await SendAsync("DELETE", $"/volumes/{volume.Id}");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        await using var recovered = await CrashCopyAsync();

        var admin = recovered.Admin();
        Assert.Empty((await admin.VolumeListAsync(Ct)).Volumes);
        Assert.Empty(recovered.Executor.Volumes);
        using (var done = await admin.WaitAsync(accepted.Headers.Location!.OriginalString, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
        }

        foreach (var node in built.Nodes)
        {
            Assert.Equal(0, (await admin.DeviceInfoAsync(node.Devices[0].Id, Ct)).Storage.Used);
            Assert.Empty(recovered.Executor.ThinPools(node.Hostnames.Manage[0]));
        }
    }

    [Fact]
    public async Task ExpandInterruptedBeforeAddBrick_IsRolledBack()
    {
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        var volume = await Admin.VolumeCreateAsync(new VolumeCreateRequest { Size = 10, Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } } }, Ct);
        var before = await DevicesUsedAsync(Admin);
        HoldAt("VolumeExpandAsync");
        using var accepted = await SendAsync("POST", $"/volumes/{volume.Id}/expand", """{"expand_size":10}""");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        await using var recovered = await CrashCopyAsync();

        var admin = recovered.Admin();
        var info = await admin.VolumeInfoAsync(volume.Id, Ct);
        Assert.Equal(10, info.Size);
        Assert.Equal(3, info.Bricks.Count);
        Assert.Equal(before, await DevicesUsedAsync(admin));
        Assert.Equal(3, recovered.Executor.Volumes[volume.Name].Count);
        Assert.Equal(3, recovered.Executor.Calls["BrickDestroyAsync"]);

        // The volume is usable again: the next expansion goes through.
        Assert.Equal(20, (await admin.VolumeExpandAsync(volume.Id, 10, Ct)).Size);
    }

    [Fact]
    public async Task DeviceAddInterruptedDuringSetup_ForgetsTheDevice()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 1, 1, 0, Ct);
        HoldAt("DeviceSetupAsync");
        using var accepted = await SendAsync("POST", "/devices", $$"""{"name":"/dev/sdb","node":"{{built.Nodes[0].Id}}"}""");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        await using var recovered = await CrashCopyAsync();

        var admin = recovered.Admin();
        Assert.Empty((await admin.NodeInfoAsync(built.Nodes[0].Id, Ct)).Devices);

        // The disk can be added again.
        await admin.DeviceAddAsync(new DeviceAddRequest { NodeId = built.Nodes[0].Id, Name = "/dev/sdb" }, Ct);
        Assert.Single((await admin.NodeInfoAsync(built.Nodes[0].Id, Ct)).Devices);
    }

    [Fact]
    public async Task EvictInterruptedBeforeReplaceBrick_IsRolledBack()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        var volume = await Admin.VolumeCreateAsync(new VolumeCreateRequest { Size = 10, Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } } }, Ct);
        var before = await DevicesUsedAsync(Admin);
        HoldAt("VolumeReplaceBrickAsync");
        using var accepted = await SendAsync("POST", $"/bricks/to-evict/{volume.Bricks[0].Id}");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(4, Host.Executor.Calls["BrickCreateAsync"]);

        await using var recovered = await CrashCopyAsync();

        var admin = recovered.Admin();
        Assert.Equal(volume.Bricks.Select(b => b.Id), (await admin.VolumeInfoAsync(volume.Id, Ct)).Bricks.Select(b => b.Id));
        Assert.Equal(before, await DevicesUsedAsync(admin));
        Assert.Equal(3, built.Nodes.Sum(n => recovered.Executor.ThinPools(n.Hostnames.Manage[0]).Count));
        using (var done = await admin.WaitAsync(accepted.Headers.Location!.OriginalString, Ct))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, done.StatusCode);
            Assert.Contains("the brick was not moved", await done.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        // The volume is free again.
        Assert.Equal(20, (await admin.VolumeExpandAsync(volume.Id, 10, Ct)).Size);
    }

    [Fact]
    public async Task EvictInterruptedBeforeTheOldBrickIsDestroyed_IsCompleted()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        var volume = await Admin.VolumeCreateAsync(new VolumeCreateRequest { Size = 10, Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } } }, Ct);
        var old = volume.Bricks[0];
        HoldAt("BrickDestroyAsync");
        using var accepted = await SendAsync("POST", $"/bricks/to-evict/{old.Id}");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        await using var recovered = await CrashCopyAsync();

        var admin = recovered.Admin();
        var after = await admin.VolumeInfoAsync(volume.Id, Ct);
        Assert.DoesNotContain(after.Bricks, b => b.Id == old.Id);
        Assert.Equal(3, after.Bricks.Count);
        Assert.Equal(0, (await admin.DeviceInfoAsync(old.DeviceId, Ct)).Storage.Used);
        Assert.Equal(3, built.Nodes.Sum(n => recovered.Executor.ThinPools(n.Hostnames.Manage[0]).Count));
        Assert.Equal(after.Bricks.Count, recovered.Executor.Volumes[volume.Name].Count);
        using var done = await admin.WaitAsync(accepted.Headers.Location!.OriginalString, Ct);
        Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
    }

    [Fact]
    public async Task DeviceRemoveInterrupted_TheDeviceStaysOffline_AndSaysWhatIsLeft()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        var volume = await Admin.VolumeCreateAsync(new VolumeCreateRequest { Size = 10, Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } } }, Ct);
        var device = volume.Bricks[0].DeviceId;
        await Admin.DeviceStateAsync(device, "offline", Ct);
        HoldAt("VolumeReplaceBrickAsync");
        using var accepted = await SendAsync("POST", $"/devices/{device}/state", """{"state":"failed"}""");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        await using var recovered = await CrashCopyAsync();

        var admin = recovered.Admin();
        var info = await admin.DeviceInfoAsync(device, Ct);
        Assert.Equal("offline", info.State);
        Assert.Single(info.Bricks);
        Assert.Equal(3, built.Nodes.Sum(n => recovered.Executor.ThinPools(n.Hostnames.Manage[0]).Count));
        using (var done = await admin.WaitAsync(accepted.Headers.Location!.OriginalString, Ct))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, done.StatusCode);
            Assert.Contains("with 1 brick(s) still on it; set it failed again", await done.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        // Asked again, the removal finishes.
        await admin.DeviceStateAsync(device, "failed", Ct);
        Assert.Empty((await admin.DeviceInfoAsync(device, Ct)).Bricks);
    }

    public override async ValueTask DisposeAsync()
    {
        release.TrySetResult();
        await base.DisposeAsync();
    }

    private void HoldAt(string method) =>
        Host.Executor.BeforeCommand = (m, _) =>
        {
            if (m != method)
            {
                return Task.CompletedTask;
            }

            reached.TrySetResult();
            return release.Task;
        };

    /// <summary>Copies the database as it is on disk now and starts a second server on the copy; waits for its recovery.</summary>
    private async Task<AploHost> CrashCopyAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "aplo-crash-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var copy = Path.Combine(directory, "aplo.db");
        foreach (var suffix in new[] { string.Empty, "-wal" })
        {
            if (File.Exists(Host.Options.DbPath + suffix))
            {
                File.Copy(Host.Options.DbPath + suffix, copy + suffix);
            }
        }

        var recovered = await AploHost.StartAsync(o => o with { DbPath = copy }, cancellationToken: Ct);
        var topology = (TopologyManager)recovered.App.Services.GetService(typeof(TopologyManager))!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (topology.Read(m => m.Operations.Count) > 0)
        {
            await Task.Delay(10, timeout.Token);
        }

        return recovered;
    }

    private static async Task<long[]> DevicesUsedAsync(Aplo.Client.HeketiClient client)
    {
        var used = new List<long>();
        foreach (var cluster in (await client.ClusterListAsync(Ct)).Clusters)
        {
            foreach (var node in (await client.ClusterInfoAsync(cluster, Ct)).Nodes)
            {
                used.AddRange((await client.NodeInfoAsync(node, Ct)).Devices.OrderBy(d => d.Name, StringComparer.Ordinal).Select(d => d.Storage.Used));
            }
        }

        return [.. used];
    }
}
