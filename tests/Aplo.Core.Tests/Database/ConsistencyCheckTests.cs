using Aplo.Core.Database;
using Aplo.Core.Tests.Topology;
using Aplo.Core.Topology;

namespace Aplo.Core.Tests.Database;

public sealed class ConsistencyCheckTests
{
    private const long Charged = Units.GiB + 8 * Units.MiB;

    /// <summary>One cluster, three nodes with one device each, one replica 3 volume with its space charged.</summary>
    private static TopologyModel Healthy(Action<ChangeSet>? change = null)
    {
        var changes = new ChangeSet().Put(Entities.Cluster("c1"));
        for (var i = 1; i <= 3; i++)
        {
            changes.Put(Entities.Node($"n{i}", "c1", $"node{i}.example.com", $"10.0.0.{i}", zone: i));
            var device = Entities.Device($"d{i}", $"n{i}");
            changes.Put(device with { FreeKiB = device.TotalKiB - Charged, UsedKiB = Charged });
            changes.Put(Entities.Brick($"b{i}", "v1", $"d{i}", 0, i - 1, nodeId: $"n{i}"));
        }

        changes.Put(Entities.Volume("v1", "c1", "vol1"));
        change?.Invoke(changes);
        var model = new TopologyModel();
        model.Apply(changes);
        return model;
    }

    [Fact]
    public void HealthyStore_HasNoInconsistencies_AndCountsEveryEntity()
    {
        var report = ConsistencyCheck.Run(Healthy());

        Assert.Equal(0, report.TotalInconsistencies);
        Assert.Equal((1, 1), (report.Clusters.Total, report.Clusters.Ok));
        Assert.Equal((3, 3, 0), (report.Nodes.Total, report.Nodes.Ok, report.Nodes.NotOk));
        Assert.Equal((3, 3), (report.Devices.Total, report.Devices.Ok));
        Assert.Equal((3, 3), (report.Bricks.Total, report.Bricks.Ok));
        Assert.Equal((1, 1), (report.Volumes.Total, report.Volumes.Ok));
    }

    [Fact]
    public void DeviceUsedSpace_NotTheSumOfItsBricks_IsReported()
    {
        var model = Healthy(c => c.Put(Entities.Device("d1", "n1") with { FreeKiB = 500L * Units.GiB - 2 * Charged, UsedKiB = 2 * Charged }));

        var report = ConsistencyCheck.Run(model);

        Assert.Equal([$"Device d1 used size {2 * Charged} != sum of its bricks' thin pool and metadata sizes {Charged}"], report.Devices.Inconsistencies);
        Assert.Equal((2, 1), (report.Devices.Ok, report.Devices.NotOk));
    }

    [Fact]
    public void DeviceTotal_NotFreePlusUsed_IsReported()
    {
        var model = Healthy(c => c.Put(Entities.Device("d2", "n2") with { FreeKiB = 1, UsedKiB = Charged }));

        var report = ConsistencyCheck.Run(model);

        Assert.Equal([$"Device d2 total size {500L * Units.GiB} != free 1 + used {Charged}"], report.Devices.Inconsistencies);
    }

    [Fact]
    public void BrickOnAMissingDevice_AndOnAnotherNodesDevice_AreReported()
    {
        var model = Healthy(c => c
            .Put(Entities.Brick("b1", "v1", "gone", 0, 0, nodeId: "n1"))
            .Put(Entities.Brick("b2", "v1", "d3", 0, 1, nodeId: "n2")));

        var report = ConsistencyCheck.Run(model);

        Assert.Contains("Brick b1 unknown device gone", report.Bricks.Inconsistencies);
        Assert.Contains("Brick b2 is on device d3 of node n3 but names node n2", report.Bricks.Inconsistencies);
        Assert.Equal(2, report.Bricks.NotOk);
    }

    [Fact]
    public void BrickWhosePathIsOnAnotherDevice_IsReported()
    {
        var model = Healthy(c => c.Put(Entities.Brick("b1", "v1", "d1", 0, 0, nodeId: "n1") with { Path = "/var/lib/heketi/mounts/vg_d2/brick_b1/brick" }));

        Assert.Equal(["Brick b1 path /var/lib/heketi/mounts/vg_d2/brick_b1/brick is not on its device d1"], ConsistencyCheck.Run(model).Bricks.Inconsistencies);
    }

    [Fact]
    public void PendingMarkerWithoutItsOperation_IsReported_AndCountedPending()
    {
        var model = Healthy(c => c.Put(Entities.Volume("v1", "c1", "vol1") with { PendingOperationId = "op1" }));

        var report = ConsistencyCheck.Run(model);

        Assert.Equal(["Volume v1 marked pending but no pending op op1"], report.Volumes.Inconsistencies);
        Assert.Equal(1, report.Volumes.Pending);
    }

    [Fact]
    public void OperationWhoseTargetIsGone_IsReported()
    {
        var model = Healthy(c => c.Put(new PendingOperation("op1", OperationType.VolumeDelete, DateTimeOffset.UnixEpoch, "stale", "v9", [])));

        Assert.Equal(["Pending operation op1 (VolumeDelete) unknown target v9"], ConsistencyCheck.Run(model).PendingOperations.Inconsistencies);
    }

    [Fact]
    public void VolumeWithAPartialSet_AndVolumeInAClusterWithoutNodes_AreReported()
    {
        var model = Healthy(c => c
            .Delete(EntityKind.Brick, "b3")
            .Put(Entities.Cluster("c2"))
            .Put(Entities.Volume("v2", "c2", "lonely")));

        var report = ConsistencyCheck.Run(model);

        Assert.Contains("Volume v1 has 2 bricks, not a whole number of sets of 3", report.Volumes.Inconsistencies);
        Assert.Contains("Volume v2 has no mount hosts: cluster c2 has no nodes", report.Volumes.Inconsistencies);
        Assert.Contains("Volume v2 has no bricks", report.Volumes.Inconsistencies);
    }

    [Fact]
    public void HostnameRegisteredToTwoNodes_IsReported()
    {
        var model = Healthy(c => c.Put(Entities.Node("n4", "c1", "node1.example.com", "10.0.0.4")));

        var report = ConsistencyCheck.Run(model);

        // The index keeps the later registration; the earlier node is the one whose name was taken.
        Assert.Equal(["Node n1 hostname node1.example.com is also registered to node n4"], report.Nodes.Inconsistencies);
    }
}
