using System.Net;
using Aplo.Client;
using Aplo.Contracts;
using Aplo.Core.Allocation;
using Aplo.Core.Topology;
using Aplo.TestKit;

namespace Aplo.Server.Tests;

/// <summary>
/// Many clients racing for the last of the space: a topology that holds exactly 40 volumes gets 64 creates at
/// once. Exactly 40 must succeed, the other 24 must get a clear No space, and no device may be overcommitted.
/// </summary>
public sealed class ExactCapacityTests : IAsyncLifetime
{
    private const long VolumeGiB = 12;
    private const long DeviceGiB = 490;
    private const int Clients = 64;
    private const int Fits = 40;

    private AploHost host = null!;
    private HeketiClient admin = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        host = await AploHost.StartAsync(AploHost.Gluster(g => g with { MaxInflightOperations = Clients }), deviceSizeGiB: DeviceGiB, cancellationToken: Ct);
        admin = host.Admin();
    }

    public async ValueTask DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task SixtyFourConcurrentCreates_OnATopologyHoldingForty_Give40Volumes_And24NoSpace()
    {
        // 3 zones × 1 node × 1 device: every replica-3 volume puts one brick on each device.
        var built = await TopologyBuilder.BuildAsync(admin, 3, 1, 1, Ct);
        var deviceIds = built.Nodes.Select(n => n.Devices[0].Id).ToList();
        var total = (await admin.DeviceInfoAsync(deviceIds[0], Ct)).Storage.Total;
        var (thinPool, metadata) = BrickSizing.SpaceNeeded(VolumeGiB * Units.GiB, 1f, 4 * Units.MiB);
        var charge = thinPool + metadata;
        Assert.True(Fits * charge <= total && total < (Fits + 1) * charge, $"premise: a {total} KiB device holds exactly {Fits} bricks of {charge} KiB");

        using var start = new SemaphoreSlim(0);
        var attempts = Enumerable.Range(0, Clients).Select(async _ =>
        {
            await start.WaitAsync(Ct);
            try
            {
                await admin.VolumeCreateAsync(new VolumeCreateRequest { Size = VolumeGiB, Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } } }, Ct);
                return "ok";
            }
            catch (HeketiClientException ex) when (ex.Status == HttpStatusCode.InternalServerError)
            {
                return ex.Message;
            }
        }).ToList();
        start.Release(Clients);
        var results = await Task.WhenAll(attempts);

        Assert.Equal(Fits, results.Count(r => r == "ok"));
        var refusals = results.Where(r => r != "ok").ToList();
        Assert.Equal(Clients - Fits, refusals.Count);
        Assert.All(refusals, r => Assert.StartsWith("Failed to allocate new volume: No space", r, StringComparison.Ordinal));

        Assert.Equal(Fits, (await admin.VolumeListAsync(Ct)).Volumes.Count);
        foreach (var id in deviceIds)
        {
            var device = await admin.DeviceInfoAsync(id, Ct);
            Assert.Equal(Fits * charge, device.Storage.Used);
            Assert.Equal(device.Storage.Total, device.Storage.Free + device.Storage.Used);
            Assert.InRange(device.Storage.Free, 0, charge - 1);
            Assert.Equal(Fits, device.Bricks.Count);
        }

        // The nodes agree: each simulated volume group holds exactly the 40 thin pools the store charged for.
        foreach (var node in built.Nodes)
        {
            Assert.Equal(Fits, host.Executor.ThinPools(node.Hostnames.Manage[0]).Count);
        }
    }
}
