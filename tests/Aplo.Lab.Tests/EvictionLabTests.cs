using System.Net;
using Aplo.Contracts;

namespace Aplo.Lab.Tests;

/// <summary>
/// Moving bricks on real GlusterFS: a brick of a mounted replica-3 volume is evicted to the other disk of its
/// node, then that disk is removed, which moves the brick back. After each move the data still reads through the
/// mount and from the new brick itself, Gluster lists the new brick, and the old brick's LV, mount and fstab line
/// are gone from the node, checked with the system ssh client.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class EvictionLabTests(LabFixture lab) : IAsyncLifetime
{
    private const string Text = "I love GlusterFS!";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <summary>Leaves the fixture as it was: no volumes, and node 1 with its first disk only.</summary>
    public async ValueTask DisposeAsync() =>
        await LabCleanup.ResetAsync(lab.Admin, lab.Lab.Nodes[0], lab.NodeIds[lab.Lab.Nodes[0].Name], CancellationToken.None);

    [Fact]
    public async Task EvictThenRemoveTheDevice_TheDataFollowsTheBrick_AndNothingIsLeftBehind()
    {
        var node = lab.Lab.Nodes[0];
        var nodeId = lab.NodeIds[node.Name];
        var volume = await lab.Admin.VolumeCreateAsync(
            new VolumeCreateRequest { Size = 1, Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } } }, Ct);
        await using var mount = await FuseMount.MountAsync(lab.Lab, volume, Ct);
        await mount.WriteAsync("index.html", Text, Ct);

        // The second disk comes after the volume, so node 1's brick is on the first one.
        await lab.Admin.DeviceAddAsync(new DeviceAddRequest { NodeId = nodeId, Name = node.Devices[1] }, Ct);
        var devices = (await lab.Admin.NodeInfoAsync(nodeId, Ct)).Devices;
        var first = devices.Single(d => d.Name == node.Devices[0]).Id;
        var second = devices.Single(d => d.Name == node.Devices[1]).Id;
        var old = volume.Bricks.Single(b => b.NodeId == nodeId);
        Assert.Equal(first, old.DeviceId);

        await lab.Admin.BrickEvictAsync(old.Id, Ct);

        var moved = await AssertMovedAsync(volume, old, second);

        // Removing the second disk moves the brick back to the first: the only device left that keeps the set
        // on three nodes.
        await lab.Admin.DeviceStateAsync(second, "offline", Ct);
        await lab.Admin.DeviceStateAsync(second, "failed", Ct);
        Assert.Equal("failed", (await lab.Admin.DeviceInfoAsync(second, Ct)).State);
        await AssertMovedAsync(volume, moved, first);
        Assert.Equal(Text, await mount.ReadAsync("index.html", Ct));

        await lab.Admin.DeviceDeleteAsync(second, Ct);
        Assert.DoesNotContain($"vg_{second}", await lab.Lab.MustAsync(node, "vgs --noheadings -o vg_name", Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evict_WithNowhereToGo_IsRefusedAndTheVolumeIsUntouched()
    {
        var volume = await lab.Admin.VolumeCreateAsync(
            new VolumeCreateRequest { Size = 1, Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } } }, Ct);

        using var response = await lab.Admin.SendAsync(HttpMethod.Post, "/bricks/to-evict/" + volume.Bricks[0].Id, null, Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.StartsWith("No Replacement was found", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var info = await lab.Lab.MustAsync(lab.Lab.Nodes[0], $"gluster --mode=script volume info {volume.Name}", Ct);
        foreach (var brick in volume.Bricks)
        {
            Assert.Contains(brick.Path, info, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The volume's brick on node 1 is now a new one on <paramref name="device"/>: Gluster lists it instead of
    /// <paramref name="old"/>, it holds the file once healed, and nothing of the old brick is left on the node.
    /// </summary>
    private async Task<BrickInfo> AssertMovedAsync(VolumeInfoResponse volume, BrickInfo old, string device)
    {
        var node = lab.Lab.Nodes[0];
        var after = await lab.Admin.VolumeInfoAsync(volume.Id, Ct);
        Assert.Equal(3, after.Bricks.Count);
        Assert.Equal(3, after.Bricks.Select(b => b.NodeId).Distinct().Count());
        var moved = after.Bricks.Single(b => b.NodeId == old.NodeId);
        Assert.NotEqual(old.Id, moved.Id);
        Assert.Equal(device, moved.DeviceId);

        var info = await lab.Lab.MustAsync(node, $"gluster --mode=script volume info {volume.Name}", Ct);
        Assert.Contains($"{node.Ip}:{moved.Path}", info, StringComparison.Ordinal);
        Assert.DoesNotContain(old.Path, info, StringComparison.Ordinal);
        Assert.Contains("Status: Started", info, StringComparison.Ordinal);

        // Gluster heals the new brick from the other two; ask it to start now rather than at its next crawl. The
        // heal makes the file before it fills it, so wait for the content, not for the file.
        await lab.Lab.OnNodeAsync(node, $"gluster --mode=script volume heal {volume.Name}", Ct);
        var file = $"{moved.Path}/index.html";
        var healed = await lab.Lab.MustAsync(
            node, $"for i in $(seq 120); do [ \"$(cat {file} 2>/dev/null)\" = '{Text}' ] && break; sleep 1; done; cat {file}", Ct);
        Assert.Equal(Text, healed.Trim());

        Assert.Equal(string.Empty, (await lab.Lab.MustAsync(node, $"lvs --noheadings -o lv_name | grep -E 'brick_{old.Id}|tp_{old.Id}' || true", Ct)).Trim());
        Assert.Equal(string.Empty, (await lab.Lab.MustAsync(node, $"grep brick_{old.Id} /etc/fstab /proc/mounts || true", Ct)).Trim());
        Assert.Equal("absent", (await lab.Lab.MustAsync(node, $"test -e {old.Path} && echo present || echo absent", Ct)).Trim());

        // The store charges each disk exactly what LVM says is used on it.
        foreach (var d in (await lab.Admin.NodeInfoAsync(old.NodeId, Ct)).Devices)
        {
            var vgs = await lab.Lab.MustAsync(node, $"vgs --noheadings --units k --nosuffix -o vg_size,vg_free vg_{d.Id}", Ct);
            var f = vgs.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => (long)double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(f[0] - f[1], (await lab.Admin.DeviceInfoAsync(d.Id, Ct)).Storage.Used);
        }

        return moved;
    }
}
