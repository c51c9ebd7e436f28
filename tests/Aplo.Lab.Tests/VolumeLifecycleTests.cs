using System.Globalization;
using System.Net;
using Aplo.Client;
using Aplo.Contracts;

namespace Aplo.Lab.Tests;

/// <summary>
/// Every volume operation on real GlusterFS, checked on the nodes themselves: LVM, XFS, mounts, fstab and
/// gluster, through the system ssh client rather than the code under test.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class VolumeLifecycleTests(LabFixture lab) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <summary>A test that failed half-way must not leave its volume to the next one.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var id in (await lab.Admin.VolumeListAsync(CancellationToken.None)).Volumes)
        {
            await lab.Admin.VolumeDeleteAsync(id, CancellationToken.None);
        }
    }

    private static VolumeCreateRequest Replica3(long size, long gid = 0, IReadOnlyList<string>? options = null) => new()
    {
        Size = size,
        Gid = gid,
        Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } },
        GlusterVolumeOptions = options,
    };

    [Fact]
    public async Task DeviceAdd_MadeAVolumeGroupOfTheReportedSize()
    {
        foreach (var node in lab.Lab.Nodes)
        {
            var device = await lab.Admin.DeviceInfoAsync(lab.DeviceIds[node.Name], Ct);
            var vgs = await lab.Lab.MustAsync(node, $"vgs --noheadings --nosuffix --units k -o vg_size,vg_free vg_{device.Id}", Ct);
            var fields = vgs.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(f => (long)double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(device.Storage.Total, fields[0]);
            Assert.Equal(device.Storage.Total, device.Storage.Free + device.Storage.Used);

            // A 10 GiB disk less LVM's 128 MiB of metadata, in whole 4 MiB extents.
            var disk = long.Parse((await lab.Lab.MustAsync(node, $"blockdev --getsize64 {node.Devices[0]}", Ct)).Trim(), CultureInfo.InvariantCulture) / 1024;
            Assert.InRange(fields[0], disk - (132 * 1024), disk - (128 * 1024));
        }
    }

    [Fact]
    public async Task Replica3_IsCreatedMountedWrittenAndRead_ThenDeletedWithoutATrace()
    {
        var volume = await lab.Admin.VolumeCreateAsync(Replica3(1), Ct);
        Assert.Equal(3, volume.Bricks.Select(b => b.NodeId).Distinct().Count());
        await AssertGlusterVolumeAsync(volume, "Replicate", 3);

        await using (var mount = await FuseMount.MountAsync(lab.Lab, volume, Ct))
        {
            await mount.WriteAsync("index.html", "I love GlusterFS!", Ct);
            Assert.Equal("I love GlusterFS!", await mount.ReadAsync("index.html", Ct));
        }

        // Every replica holds the file on its brick.
        foreach (var brick in volume.Bricks)
        {
            var node = NodeOf(brick);
            Assert.Equal("I love GlusterFS!", (await lab.Lab.MustAsync(node, $"cat {brick.Path}/index.html", Ct)).Trim());
        }

        await lab.Admin.VolumeDeleteAsync(volume.Id, Ct);
        await AssertGoneAsync(volume);
    }

    [Fact]
    public async Task Arbiter_KeepsOnlyMetadataOnTheArbiterBrick()
    {
        var volume = await lab.Admin.VolumeCreateAsync(Replica3(1, options: ["user.heketi.arbiter true"]), Ct);
        var info = await lab.Lab.MustAsync(NodeOf(volume.Bricks[0]), $"gluster --mode=script volume info {volume.Name}", Ct);
        Assert.Contains("Number of Bricks: 1 x (2 + 1) = 3", info, StringComparison.Ordinal);
        await using (var mount = await FuseMount.MountAsync(lab.Lab, volume, Ct))
        {
            await mount.WriteAsync("data.txt", new string('x', 100_000), Ct);
            Assert.Equal(100_000, (await mount.ReadAsync("data.txt", Ct)).Length);
        }

        var arbiter = volume.Bricks[2];
        Assert.Equal("0", (await lab.Lab.MustAsync(NodeOf(arbiter), $"stat -c %s {arbiter.Path}/data.txt", Ct)).Trim());
        Assert.Equal("100000", (await lab.Lab.MustAsync(NodeOf(volume.Bricks[0]), $"stat -c %s {volume.Bricks[0].Path}/data.txt", Ct)).Trim());
        await lab.Admin.VolumeDeleteAsync(volume.Id, Ct);
        await AssertGoneAsync(volume);
    }

    [Fact]
    public async Task Disperse2Plus1_IsCreatedMountedWrittenAndRead()
    {
        var volume = await lab.Admin.VolumeCreateAsync(
            new VolumeCreateRequest { Size = 2, Durability = new() { Type = "disperse", Disperse = new() { Data = 2, Redundancy = 1 } } }, Ct);
        await AssertGlusterVolumeAsync(volume, "Disperse", 3);
        await using (var mount = await FuseMount.MountAsync(lab.Lab, volume, Ct))
        {
            await mount.WriteAsync("ec.txt", "erasure coded", Ct);
            Assert.Equal("erasure coded", await mount.ReadAsync("ec.txt", Ct));
        }

        await lab.Admin.VolumeDeleteAsync(volume.Id, Ct);
        await AssertGoneAsync(volume);
    }

    [Fact]
    public async Task Expand_AddsBricks_AndTheMountShowsTheNewSize()
    {
        // Expanding 1 GiB by 2 gives a volume whose two replica sets differ in size, as Heketi's expansions and
        // Aplo's sets of unequal size (ADR 0013) do; Gluster must serve and count both.
        var volume = await lab.Admin.VolumeCreateAsync(Replica3(1), Ct);
        await using var mount = await FuseMount.MountAsync(lab.Lab, volume, Ct);
        var before = await mount.SizeKiBAsync(Ct);

        var expanded = await lab.Admin.VolumeExpandAsync(volume.Id, 2, Ct);
        Assert.Equal(3, expanded.Size);
        Assert.Equal(6, expanded.Bricks.Count);
        Assert.Equal([1L << 20, 2L << 20], expanded.Bricks.Select(b => b.Size).Distinct().Order());
        await AssertGlusterVolumeAsync(expanded, "Distributed-Replicate", 6);

        var after = await mount.SizeKiBAsync(Ct);
        Assert.True(after > before * 29 / 10, $"mount size {before} KiB -> {after} KiB after adding twice the volume");
        await mount.DisposeAsync();
        await lab.Admin.VolumeDeleteAsync(volume.Id, Ct);
        await AssertGoneAsync(expanded);
    }

    [Fact]
    public async Task Gid_MakesBrickRootsGroupOwnedWithSetgid2775()
    {
        var volume = await lab.Admin.VolumeCreateAsync(Replica3(1, gid: 2001), Ct);
        foreach (var brick in volume.Bricks)
        {
            Assert.Equal("2001 2775", (await lab.Lab.MustAsync(NodeOf(brick), $"stat -c '%g %a' {brick.Path}", Ct)).Trim());
        }

        await lab.Admin.VolumeDeleteAsync(volume.Id, Ct);
        await AssertGoneAsync(volume);
    }

    [Fact]
    public async Task Create_WhenABrickDoesNotFitOnItsNode_RollsBackEverywhere()
    {
        // Take most of node 2's volume group behind the server's back, so the store thinks a brick fits there
        // and LVM refuses it half-way through the create.
        var victim = lab.Lab.Nodes[1];
        var vg = "vg_" + lab.DeviceIds[victim.Name];
        await lab.Lab.MustAsync(victim, $"lvcreate -qq -an -Zn -l 90%FREE -n squatter {vg}", Ct);
        try
        {
            var before = (await lab.Admin.VolumeListAsync(Ct)).Volumes;
            var error = await Assert.ThrowsAsync<HeketiClientException>(() => lab.Admin.VolumeCreateAsync(Replica3(2), Ct));
            Assert.Equal(HttpStatusCode.InternalServerError, error.Status);
            Assert.Contains(victim.Ip, error.Message, StringComparison.Ordinal);
            Assert.Contains("insufficient free space", error.Message, StringComparison.Ordinal);

            Assert.Equal(before, (await lab.Admin.VolumeListAsync(Ct)).Volumes);
            foreach (var node in lab.Lab.Nodes)
            {
                Assert.Equal(0, (await lab.Admin.DeviceInfoAsync(lab.DeviceIds[node.Name], Ct)).Storage.Used);
                Assert.Equal(string.Empty, (await lab.Lab.MustAsync(node, "lvs --noheadings -o lv_name | grep -E 'brick_|tp_' || true", Ct)).Trim());
                Assert.Equal(string.Empty, (await lab.Lab.MustAsync(node, "grep /var/lib/heketi/mounts/ /etc/fstab || true", Ct)).Trim());
                Assert.Equal(string.Empty, (await lab.Lab.MustAsync(node, "grep /var/lib/heketi/mounts/ /proc/mounts || true", Ct)).Trim());
            }

            Assert.Contains("No volumes present", await lab.Lab.MustAsync(lab.Lab.Nodes[0], "gluster --mode=script volume list", Ct), StringComparison.Ordinal);
        }
        finally
        {
            await lab.Lab.MustAsync(victim, $"lvremove -qq -f {vg}/squatter", Ct);
        }
    }

    [Fact]
    public async Task DeviceDelete_RemovesTheVolumeGroup()
    {
        var node = lab.Lab.Nodes[0];
        var nodeId = lab.NodeIds[node.Name];
        await lab.Admin.DeviceAddAsync(new DeviceAddRequest { NodeId = nodeId, Name = node.Devices[1] }, Ct);
        var device = (await lab.Admin.NodeInfoAsync(nodeId, Ct)).Devices.Single(d => d.Name == node.Devices[1]);
        Assert.Contains($"vg_{device.Id}", await lab.Lab.MustAsync(node, "vgs --noheadings -o vg_name", Ct), StringComparison.Ordinal);

        foreach (var state in new[] { "offline", "failed" })
        {
            using var response = await lab.Admin.SendAsync(HttpMethod.Post, $"/devices/{device.Id}/state", new StringContent($$"""{"state":"{{state}}"}"""), Ct);
            using var done = await lab.Admin.WaitAsync(response.Headers.Location!.OriginalString, Ct);
            Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
        }

        using (var response = await lab.Admin.SendAsync(HttpMethod.Delete, $"/devices/{device.Id}", null, Ct))
        {
            using var done = await lab.Admin.WaitAsync(response.Headers.Location!.OriginalString, Ct);
            Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
        }

        Assert.DoesNotContain($"vg_{device.Id}", await lab.Lab.MustAsync(node, "vgs --noheadings -o vg_name", Ct), StringComparison.Ordinal);
        Assert.Equal(string.Empty, (await lab.Lab.MustAsync(node, $"pvs --noheadings -o pv_name {node.Devices[1]} 2>/dev/null || true", Ct)).Trim());
    }

    private LabNode NodeOf(BrickInfo brick) =>
        lab.Lab.Nodes.Single(n => lab.NodeIds[n.Name] == brick.NodeId);

    private async Task AssertGlusterVolumeAsync(VolumeInfoResponse volume, string type, int bricks)
    {
        var info = await lab.Lab.MustAsync(lab.Lab.Nodes[0], $"gluster --mode=script volume info {volume.Name}", Ct);
        Assert.Contains($"Type: {type}", info, StringComparison.Ordinal);
        Assert.Contains("Status: Started", info, StringComparison.Ordinal);
        Assert.Contains($"user.heketi.id: {volume.Id}", info, StringComparison.Ordinal);
        foreach (var brick in volume.Bricks)
        {
            Assert.Contains($"{NodeOf(brick).Ip}:{brick.Path}", info, StringComparison.Ordinal);
        }

        Assert.Equal(bricks, volume.Bricks.Count);
    }

    /// <summary>No gluster volume, no brick mount, no LV and no fstab line is left on any node.</summary>
    private async Task AssertGoneAsync(VolumeInfoResponse volume)
    {
        var (code, output) = await lab.Lab.OnNodeAsync(lab.Lab.Nodes[0], $"gluster --mode=script volume info {volume.Name}", Ct);
        Assert.True(code != 0, $"volume {volume.Name} still exists: {output}");
        // One ssh call per brick, all at once: its LVs, its fstab and mount lines, and its directory.
        var facts = await Task.WhenAll(volume.Bricks.Select(brick => lab.Lab.MustAsync(
            NodeOf(brick),
            $"lvs --noheadings -o lv_name | grep -E 'brick_{brick.Id}|tp_{brick.Id}' || true; echo '#'; "
            + $"grep brick_{brick.Id} /etc/fstab /proc/mounts || true; echo '#'; "
            + $"test -e {brick.Path} && echo present || echo absent",
            Ct)));
        foreach (var (brick, brickFacts) in volume.Bricks.Zip(facts))
        {
            var sections = brickFacts.Split('#').Select(p => p.Trim()).ToList();
            Assert.True(sections.Count == 3, $"brick {brick.Id}: {brickFacts}");
            Assert.Equal(string.Empty, sections[0]);
            Assert.Equal(string.Empty, sections[1]);
            Assert.Equal("absent", sections[2]);
        }

        Assert.DoesNotContain(volume.Id, (await lab.Admin.VolumeListAsync(Ct)).Volumes);
        foreach (var deviceId in volume.Bricks.Select(b => b.DeviceId).Distinct())
        {
            var device = await lab.Admin.DeviceInfoAsync(deviceId, Ct);
            Assert.DoesNotContain(device.Bricks, b => b.VolumeId == volume.Id);
        }
    }
}
