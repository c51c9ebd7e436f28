using System.Globalization;
using System.Text.RegularExpressions;
using Aplo.Core.Execution;
using Aplo.Core.Topology;
using Aplo.Executors.Simulated;

namespace Aplo.Core.Tests.Executors;

/// <summary>The simulated nodes refuse what real LVM and Gluster refuse, so failure paths get exercised.</summary>
public sealed class SimulatedExecutorTests
{
    private const long MiB = 1024;
    private const long GiB = 1024 * 1024;
    private const long Extent = 4 * MiB;
    private const string Host = "node1.example";

    private readonly SimulatedExecutor executor = new(10 * GiB);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DeviceSetup_ReportsTheWholeDeviceAsFree()
    {
        var space = await executor.DeviceSetupAsync(Host, new DeviceRequest("d1", "/dev/sdb", false), Ct);

        Assert.Equal(10 * GiB, space.TotalKiB);
        Assert.Equal(10 * GiB, space.FreeKiB);
        Assert.Equal(0, space.UsedKiB);
        Assert.Equal(Extent, space.ExtentKiB);
        Assert.Equal(["/dev/sdb"], space.Paths);
    }

    [Fact]
    public async Task DeviceSetup_SizeNotOnAnExtent_RoundsDownToWholeExtents()
    {
        var odd = new SimulatedExecutor((10 * GiB) + Extent - 1);
        var space = await odd.DeviceSetupAsync(Host, new DeviceRequest("d1", "/dev/sdb", false), Ct);
        Assert.Equal(10 * GiB, space.TotalKiB);
    }

    [Fact]
    public async Task DeviceSetup_SameDeviceTwice_IsRefusedAsAlreadyAPhysicalVolume()
    {
        await executor.DeviceSetupAsync(Host, new DeviceRequest("d1", "/dev/sdb", false), Ct);

        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.DeviceSetupAsync(Host, new DeviceRequest("d2", "/dev/sdb", false), Ct));

        Assert.Equal(Host, ex.Host);
        Assert.Contains("/dev/sdb", ex.Message, StringComparison.Ordinal);
        Assert.Contains("already a physical volume", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeviceSetup_SameNameOnAnotherHostOrAnotherNameOnTheSameHost_IsFine()
    {
        await executor.DeviceSetupAsync(Host, new DeviceRequest("d1", "/dev/sdb", false), Ct);

        await executor.DeviceSetupAsync("node2.example", new DeviceRequest("d2", "/dev/sdb", false), Ct);
        await executor.DeviceSetupAsync(Host, new DeviceRequest("d3", "/dev/sdc", false), Ct);
    }

    [Fact]
    public async Task DeviceSetup_AfterTeardown_IsAllowedAgain()
    {
        var device = new DeviceRequest("d1", "/dev/sdb", false);
        await executor.DeviceSetupAsync(Host, device, Ct);
        await executor.DeviceTeardownAsync(Host, device, Ct);

        var space = await executor.DeviceSetupAsync(Host, new DeviceRequest("d2", "/dev/sdb", false), Ct);
        Assert.Equal(10 * GiB, space.FreeKiB);
    }

    [Fact]
    public async Task DeviceTeardown_WithBricksLeft_IsRefused()
    {
        var device = new DeviceRequest("d1", "/dev/sdb", false);
        await executor.DeviceSetupAsync(Host, device, Ct);
        await executor.BrickCreateAsync(Host, Brick("b1", "d1", GiB, 8 * MiB), Ct);

        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.DeviceTeardownAsync(Host, device, Ct));
        Assert.Contains("vg_d1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrickCreate_LargerThanTheFreeSpace_IsRefusedWithLvmsMessage()
    {
        await executor.DeviceSetupAsync(Host, new DeviceRequest("d1", "/dev/sdb", false), Ct);
        await executor.BrickCreateAsync(Host, Brick("b1", "d1", 4 * GiB, 20 * MiB), Ct);
        var free = (10 * GiB) - (4 * GiB) - (20 * MiB);
        var brick = Brick("b2", "d1", 6 * GiB, 32 * MiB);

        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.BrickCreateAsync(Host, brick, Ct));

        var match = Regex.Match(ex.Message, "Volume group \"vg_d1\" has insufficient free space \\((\\d+) extents\\): (\\d+) required\\.");
        Assert.True(match.Success, ex.Message);
        Assert.Equal(free / Extent, long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.Equal(((6 * GiB) + (32 * MiB)) / Extent, long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));

        var space = await executor.DeviceInfoAsync(Host, new DeviceRequest("d1", "/dev/sdb", false), Ct);
        Assert.Equal(free, space.FreeKiB);
        Assert.Equal(["vg_d1/tp_b1"], executor.ThinPools(Host));
    }

    [Fact]
    public async Task BrickCreate_FillingTheVolumeGroupExactly_Succeeds()
    {
        await executor.DeviceSetupAsync(Host, new DeviceRequest("d1", "/dev/sdb", false), Ct);

        await executor.BrickCreateAsync(Host, Brick("b1", "d1", (10 * GiB) - (52 * MiB), 52 * MiB), Ct);

        var space = await executor.DeviceInfoAsync(Host, new DeviceRequest("d1", "/dev/sdb", false), Ct);
        Assert.Equal(0, space.FreeKiB);
        Assert.Equal(10 * GiB, space.UsedKiB);
    }

    [Fact]
    public async Task BrickCreate_OnAnUnknownVolumeGroup_IsRefused()
    {
        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.BrickCreateAsync(Host, Brick("b1", "nope", GiB, 8 * MiB), Ct));
        Assert.Contains("vg_nope", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrickCreate_SameBrickTwice_IsRefused()
    {
        await executor.DeviceSetupAsync(Host, new DeviceRequest("d1", "/dev/sdb", false), Ct);
        await executor.BrickCreateAsync(Host, Brick("b1", "d1", GiB, 8 * MiB), Ct);

        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.BrickCreateAsync(Host, Brick("b1", "d1", GiB, 8 * MiB), Ct));
        Assert.Contains("tp_b1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrickDestroy_GivesTheSpaceBack_AndIsIdempotent()
    {
        var device = new DeviceRequest("d1", "/dev/sdb", false);
        await executor.DeviceSetupAsync(Host, device, Ct);
        var brick = Brick("b1", "d1", 2 * GiB, 12 * MiB);
        await executor.BrickCreateAsync(Host, brick, Ct);

        Assert.True(await executor.BrickDestroyAsync(Host, brick, Ct));
        Assert.Equal(10 * GiB, (await executor.DeviceInfoAsync(Host, device, Ct)).FreeKiB);
        Assert.Empty(executor.ThinPools(Host));

        Assert.True(await executor.BrickDestroyAsync(Host, brick, Ct));
        Assert.True(await executor.BrickDestroyAsync(Host, Brick("never", "d1", GiB, 8 * MiB), Ct));
        Assert.True(await executor.BrickDestroyAsync("unknown.example", Brick("never", "nowhere", GiB, 8 * MiB), Ct));
        Assert.Equal(10 * GiB, (await executor.DeviceInfoAsync(Host, device, Ct)).FreeKiB);
    }

    [Fact]
    public async Task VolumeCreate_WithABrickAlreadyInAVolume_IsRefused()
    {
        var shared = new BrickAddress("10.0.0.1", "/var/lib/heketi/mounts/vg_d1/brick_b1/brick");
        await executor.VolumeCreateAsync(Host, Volume("vol_a", shared, new BrickAddress("10.0.0.2", "/p/2")), Ct);

        var ex = await Assert.ThrowsAsync<ExecutorException>(
            () => executor.VolumeCreateAsync(Host, Volume("vol_b", new BrickAddress("10.0.0.3", "/p/3"), shared), Ct));

        Assert.Contains(shared.Path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("already part of a volume", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["vol_a"], executor.Volumes.Keys);
    }

    [Fact]
    public async Task VolumeCreate_SamePathOnAnotherHost_IsADifferentBrick()
    {
        await executor.VolumeCreateAsync(Host, Volume("vol_a", new BrickAddress("10.0.0.1", "/p")), Ct);
        await executor.VolumeCreateAsync(Host, Volume("vol_b", new BrickAddress("10.0.0.2", "/p")), Ct);
        Assert.Equal(2, executor.Volumes.Count);
    }

    [Fact]
    public async Task VolumeCreate_AfterTheOwningVolumeIsDestroyed_CanReuseTheBrick()
    {
        var brick = new BrickAddress("10.0.0.1", "/p/1");
        await executor.VolumeCreateAsync(Host, Volume("vol_a", brick), Ct);
        await executor.VolumeDestroyAsync(Host, "vol_a", Ct);

        await executor.VolumeCreateAsync(Host, Volume("vol_b", brick), Ct);
        Assert.Equal(["10.0.0.1:/p/1"], executor.Volumes["vol_b"]);
    }

    [Fact]
    public async Task VolumeCreate_NameInUse_IsRefused()
    {
        await executor.VolumeCreateAsync(Host, Volume("vol_a", new BrickAddress("10.0.0.1", "/p/1")), Ct);
        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.VolumeCreateAsync(Host, Volume("vol_a", new BrickAddress("10.0.0.1", "/p/2")), Ct));
        Assert.Contains("already exists", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VolumeDestroy_Unknown_IsIdempotent()
    {
        await executor.VolumeDestroyAsync(Host, "never-created", Ct);
        Assert.Empty(executor.Volumes);
    }

    [Fact]
    public async Task VolumeExpand_AddsBricks_AndTheyCountAsUsed()
    {
        await executor.VolumeCreateAsync(Host, Volume("vol_a", new BrickAddress("10.0.0.1", "/p/1")), Ct);
        await executor.VolumeExpandAsync(Host, Volume("vol_a", new BrickAddress("10.0.0.1", "/p/2")), Ct);

        Assert.Equal(["10.0.0.1:/p/1", "10.0.0.1:/p/2"], executor.Volumes["vol_a"]);
        await Assert.ThrowsAsync<ExecutorException>(() => executor.VolumeCreateAsync(Host, Volume("vol_b", new BrickAddress("10.0.0.1", "/p/2")), Ct));
        await Assert.ThrowsAsync<ExecutorException>(() => executor.VolumeExpandAsync(Host, Volume("vol_x", new BrickAddress("10.0.0.1", "/p/3")), Ct));
    }

    [Fact]
    public async Task AnyCommand_ToADownHost_FailsAndChangesNothing()
    {
        executor.DownHosts.Add(Host);

        await Assert.ThrowsAsync<ExecutorException>(() => executor.GlusterdCheckAsync(Host, Ct));
        await Assert.ThrowsAsync<ExecutorException>(() => executor.DeviceSetupAsync(Host, new DeviceRequest("d1", "/dev/sdb", false), Ct));

        executor.DownHosts.Remove(Host);
        await executor.DeviceSetupAsync(Host, new DeviceRequest("d1", "/dev/sdb", false), Ct);
    }

    [Fact]
    public async Task BeforeCommand_SeesEveryCall_AndCanFailIt()
    {
        var seen = new List<string>();
        executor.BeforeCommand = (method, host) =>
        {
            seen.Add($"{method}@{host}");
            return method == nameof(IExecutor.PeerProbeAsync) ? Task.FromException(new ExecutorException(host, "injected")) : Task.CompletedTask;
        };

        await executor.GlusterdCheckAsync(Host, Ct);
        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.PeerProbeAsync(Host, "node2.example", Ct));

        Assert.Contains("injected", ex.Message, StringComparison.Ordinal);
        Assert.Equal([$"GlusterdCheckAsync@{Host}", $"PeerProbeAsync@{Host}"], seen);
    }

    private static BrickRequest Brick(string id, string deviceId, long thinPoolKiB, long metadataKiB) =>
        new(id, "vg_" + deviceId, $"/var/lib/heketi/mounts/vg_{deviceId}/brick_{id}/brick", thinPoolKiB, thinPoolKiB, metadataKiB, 0, BrickRole.Data);

    private static VolumeRequest Volume(string name, params BrickAddress[] bricks) =>
        new(name, Durability.Distribute, bricks, []);
    [Fact]
    public async Task ReplaceBrick_SwapsTheBrickInPlace_AndRefusesABrickTheVolumeDoesNotHave()
    {
        var bricks = new[] { new BrickAddress("10.0.0.1", "/b/1"), new BrickAddress("10.0.0.2", "/b/2") };
        await executor.VolumeCreateAsync(Host, new VolumeRequest("v", new Durability(DurabilityType.Replicate, 2, 0, 0, false), bricks, []), Ct);

        await executor.VolumeReplaceBrickAsync(Host, "v", bricks[0], new BrickAddress("10.0.0.3", "/b/3"), Ct);

        Assert.Equal(["10.0.0.3:/b/3", "10.0.0.2:/b/2"], executor.Volumes["v"]);
        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.VolumeReplaceBrickAsync(Host, "v", bricks[0], new BrickAddress("10.0.0.4", "/b/4"), Ct));
        Assert.Contains("does not exist in volume", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealInfo_ReportsEntriesSet_AndBricksOfDownHostsAsUnreachable()
    {
        var bricks = new[] { new BrickAddress("10.0.0.1", "/b/1"), new BrickAddress("10.0.0.2", "/b/2"), new BrickAddress("10.0.0.3", "/b/3") };
        await executor.VolumeCreateAsync(Host, new VolumeRequest("v", new Durability(DurabilityType.Replicate, 3, 0, 0, false), bricks, []), Ct);
        executor.HealEntries["10.0.0.1:/b/1"] = 4;
        executor.DownHosts.Add("10.0.0.3");

        var heal = await executor.HealInfoAsync(Host, "v", Ct);

        Assert.Equal([(true, (long?)4), (true, 0), (false, null)], heal.Select(h => (h.Connected, h.NumberOfEntries)));
    }
}
