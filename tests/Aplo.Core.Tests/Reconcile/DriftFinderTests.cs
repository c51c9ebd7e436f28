using Aplo.Core.Execution;
using Aplo.Core.Reconcile;
using Aplo.Core.Topology;
using static Aplo.Core.Tests.Topology.Entities;

namespace Aplo.Core.Tests.Reconcile;

/// <summary>
/// The comparison alone: a store with one replica-3 volume over three nodes (one device each), and node reports
/// built by hand to match it exactly; each test changes one side and checks the drift that follows.
/// </summary>
public sealed class DriftFinderTests
{
    private const string Root = "/var/lib/heketi/mounts";
    private const long Charge = Units.GiB + 8 * Units.MiB;

    private readonly TopologyModel model = new();
    private readonly Dictionary<string, FakeNode> nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> unreachable = new(StringComparer.Ordinal);
    private List<GlusterVolumeReport>? volumes;

    public DriftFinderTests()
    {
        var changes = new ChangeSet().Put(Cluster("c1")).Put(Volume("v1", "c1", "vol_v1"));
        for (var i = 1; i <= 3; i++)
        {
            var brick = Brick($"b{i}", "v1", $"d{i}", set: 0, position: i - 1, nodeId: $"n{i}");
            changes.Put(Node($"n{i}", "c1", $"h{i}", $"10.0.0.{i}", zone: i))
                .Put(Device($"d{i}", $"n{i}") with { FreeKiB = 500 * Units.GiB - Charge, UsedKiB = Charge })
                .Put(brick);
            var node = new FakeNode();
            node.Vgs.Add(new VolumeGroupReport($"vg_d{i}", 500 * Units.GiB, 500 * Units.GiB - Charge));
            node.Lvs.AddRange(PoolAndLv($"vg_d{i}", $"b{i}"));
            node.Mounts.Add(brick.MountPoint);
            nodes[$"n{i}"] = node;
        }

        model.Apply(changes);
        volumes = [new GlusterVolumeReport("vol_v1", true, [.. Enumerable.Range(1, 3).Select(i => $"10.0.0.{i}:{BrickPath(i, i)}")])];
    }

    private static string BrickPath(int device, int brick) => Aplo.Core.Topology.Brick.PathFor(Root, $"d{device}", $"b{brick}");

    private static LogicalVolumeReport[] PoolAndLv(string vg, string brickId, long sizeKiB = Units.GiB) =>
        [new(vg, "tp_" + brickId, sizeKiB, null), new(vg, "brick_" + brickId, sizeKiB, "tp_" + brickId)];

    private ClusterReconcile Compare(string clusterId = "c1") =>
        DriftFinder.Compare(model, new ClusterState(
            clusterId,
            nodes.ToDictionary(n => n.Key, n => new NodeInventory([.. n.Value.Vgs], [.. n.Value.Lvs], [.. n.Value.Mounts]), StringComparer.Ordinal),
            unreachable,
            volumes));

    /// <summary>Takes <paramref name="kib"/> more from the volume group's free space, as an LV nobody recorded would.</summary>
    private void Take(string nodeId, string vg, long kib)
    {
        var list = nodes[nodeId].Vgs;
        var i = list.FindIndex(g => g.Name == vg);
        list[i] = list[i] with { FreeKiB = list[i].FreeKiB - kib };
    }

    [Fact]
    public void Clean_NoDrift_AndEverythingCounted()
    {
        var result = Compare();

        Assert.Empty(result.Drift);
        Assert.Equal("c1", result.ClusterId);
        Assert.Equal(3, result.NodesChecked);
        Assert.Equal(3, result.DevicesChecked);
        Assert.Equal(3, result.BricksChecked);
        Assert.Equal(1, result.VolumesChecked);
        Assert.Equal(0, result.PendingSkipped);
    }

    [Fact]
    public void Clean_OtherVolumeGroupsAndLvsOfTheNode_AreNotAplos_AndIgnored()
    {
        nodes["n1"].Vgs.Add(new VolumeGroupReport("rhel", 100 * Units.GiB, 0));
        nodes["n1"].Lvs.Add(new LogicalVolumeReport("rhel", "root", 100 * Units.GiB, null));
        nodes["n1"].Mounts.Add(Root + "/elsewhere");

        Assert.Empty(Compare().Drift);
    }

    [Fact]
    public void OrphanBrick_NoGlusterVolumeUsesIt_IsLeakedSpace_ToDestroy()
    {
        nodes["n1"].Lvs.AddRange(PoolAndLv("vg_d1", "x9", 2 * Units.GiB));
        Take("n1", "vg_d1", 2 * Units.GiB + 8 * Units.MiB);

        var drift = Assert.Single(Compare().Drift);

        Assert.Equal(DriftKind.OrphanLogicalVolume, drift.Kind);
        Assert.Equal(("c1", "n1", "h1", "d1"), (drift.ClusterId, drift.NodeId, drift.Host, drift.DeviceId));
        Assert.Equal("vg_d1/brick_x9, tp_x9", drift.Subject);
        Assert.Equal(RepairAction.DestroyOrphanBrick, drift.Repair);
        Assert.Equal("x9", drift.BrickId);
        Assert.Contains("2 GiB", drift.Detail, StringComparison.Ordinal);
        Assert.Contains("leaked space", drift.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void OrphanBrick_OnlyItsThinPoolLeft_IsStillOneOrphanToDestroy()
    {
        nodes["n2"].Lvs.Add(new LogicalVolumeReport("vg_d2", "tp_x9", Units.GiB, null));

        var drift = Assert.Single(Compare().Drift);

        Assert.Equal(DriftKind.OrphanLogicalVolume, drift.Kind);
        Assert.Equal("vg_d2/tp_x9", drift.Subject);
        Assert.Equal(("n2", "d2", "x9"), (drift.NodeId, drift.DeviceId, drift.BrickId));
        Assert.Equal(RepairAction.DestroyOrphanBrick, drift.Repair);
    }

    [Fact]
    public void OrphanBrick_UsedByAGlusterVolume_GetsNoRepair()
    {
        nodes["n1"].Lvs.AddRange(PoolAndLv("vg_d1", "x9"));
        volumes!.Add(new GlusterVolumeReport("stranger", true, [$"10.0.0.1:{Aplo.Core.Topology.Brick.PathFor(Root, "d1", "x9")}"]));

        var drift = Compare().Drift;

        var orphan = Assert.Single(drift, d => d.Kind == DriftKind.OrphanLogicalVolume);
        Assert.Equal(RepairAction.None, orphan.Repair);
        Assert.Equal("x9", orphan.BrickId);
        Assert.Contains("a Gluster volume uses it", orphan.Detail, StringComparison.Ordinal);
        Assert.Single(drift, d => d.Kind == DriftKind.UnknownVolume && d.Subject == "stranger");
        Assert.Equal(2, drift.Count);
    }

    [Fact]
    public void OrphanBrick_TheStoreHasItOnAnotherDevice_SaysSo()
    {
        // b2 belongs to d2 on n2; a copy of its LVs on d1 is still an orphan there.
        nodes["n1"].Lvs.AddRange(PoolAndLv("vg_d1", "b2"));

        var drift = Assert.Single(Compare().Drift);

        Assert.Equal(DriftKind.OrphanLogicalVolume, drift.Kind);
        Assert.Equal(("d1", "b2"), (drift.DeviceId, drift.BrickId));
        Assert.Contains("another device", drift.Detail, StringComparison.Ordinal);
        Assert.Equal(RepairAction.DestroyOrphanBrick, drift.Repair);
    }

    [Fact]
    public void OrphanLv_NotNamedLikeABrick_IsReportedButLeftForAPerson()
    {
        nodes["n3"].Lvs.Add(new LogicalVolumeReport("vg_d3", "scratch", 4 * Units.GiB, null));

        var drift = Assert.Single(Compare().Drift);

        Assert.Equal(DriftKind.OrphanLogicalVolume, drift.Kind);
        Assert.Equal("vg_d3/scratch", drift.Subject);
        Assert.Null(drift.BrickId);
        Assert.Equal(RepairAction.None, drift.Repair);
    }

    [Fact]
    public void MissingBrick_NoThinLv_IsReportedWithTheBrick()
    {
        nodes["n2"].Lvs.RemoveAll(l => l.Name == "brick_b2");

        var drift = Assert.Single(Compare().Drift);

        Assert.Equal(DriftKind.MissingBrick, drift.Kind);
        Assert.Equal(("n2", "h2", "d2", "b2"), (drift.NodeId, drift.Host, drift.DeviceId, drift.BrickId));
        Assert.Equal("vg_d2/brick_b2", drift.Subject);
        Assert.Contains("vol_v1", drift.Detail, StringComparison.Ordinal);
        Assert.Contains("no brick_b2", drift.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("tp_b2", drift.Detail, StringComparison.Ordinal);
        Assert.Equal(RepairAction.None, drift.Repair);
    }

    [Fact]
    public void MissingBrick_NeitherPoolNorLv_NamesBoth()
    {
        nodes["n2"].Lvs.Clear();
        Take("n2", "vg_d2", -Charge);

        var drift = Assert.Single(Compare().Drift);

        Assert.Equal(DriftKind.MissingBrick, drift.Kind);
        Assert.Contains("no tp_b2 or brick_b2", drift.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void UnmountedBrick_LvThereButNotMounted()
    {
        var mountPoint = Root + "/vg_d3/brick_b3";
        Assert.True(nodes["n3"].Mounts.Remove(mountPoint));

        var drift = Assert.Single(Compare().Drift);

        Assert.Equal(DriftKind.UnmountedBrick, drift.Kind);
        Assert.Equal(mountPoint, drift.Subject);
        Assert.Equal(("n3", "d3", "b3"), (drift.NodeId, drift.DeviceId, drift.BrickId));
        Assert.Equal(RepairAction.None, drift.Repair);
    }

    [Fact]
    public void MissingVolumeGroup_ReportedOnce_BricksOnItNotCheckedOneByOne()
    {
        nodes["n1"].Vgs.Clear();
        nodes["n1"].Lvs.Clear();
        nodes["n1"].Mounts.Clear();

        var result = Compare();

        var drift = Assert.Single(result.Drift);
        Assert.Equal(DriftKind.MissingVolumeGroup, drift.Kind);
        Assert.Equal(("n1", "d1", "vg_d1"), (drift.NodeId, drift.DeviceId, drift.Subject));
        Assert.Equal(2, result.BricksChecked);
    }

    [Fact]
    public void UnknownVolumeGroup_NamedLikeAplosButNoDeviceOwnsIt()
    {
        nodes["n2"].Vgs.Add(new VolumeGroupReport("vg_gone", 100 * Units.GiB, 60 * Units.GiB));

        var drift = Assert.Single(Compare().Drift);

        Assert.Equal(DriftKind.UnknownVolumeGroup, drift.Kind);
        Assert.Equal(("n2", "h2", "vg_gone"), (drift.NodeId, drift.Host, drift.Subject));
        Assert.Null(drift.DeviceId);
        Assert.Contains("100 GiB", drift.Detail, StringComparison.Ordinal);
        Assert.Contains("40 GiB used", drift.Detail, StringComparison.Ordinal);
        Assert.Equal(RepairAction.None, drift.Repair);
    }

    [Fact]
    public void UnknownVolumeGroup_OfAPendingDeviceAdd_IsNotReported()
    {
        model.Apply(new ChangeSet().Put(Device("d9", "n1", "/dev/sdc") with { PendingOperationId = "op1" }));
        nodes["n1"].Vgs.Add(new VolumeGroupReport("vg_d9", 100 * Units.GiB, 100 * Units.GiB));

        var result = Compare();

        Assert.Empty(result.Drift);
        Assert.Equal(1, result.PendingSkipped);
    }

    [Fact]
    public void AccountingMismatch_UsedSpaceDiffers_IsReportedForResync()
    {
        Take("n2", "vg_d2", 4 * Units.MiB);

        var drift = Assert.Single(Compare().Drift);

        Assert.Equal(DriftKind.AccountingMismatch, drift.Kind);
        Assert.Equal(("n2", "d2", "vg_d2"), (drift.NodeId, drift.DeviceId, drift.Subject));
        Assert.Equal(RepairAction.ResyncDevice, drift.Repair);
        Assert.Null(drift.BrickId);
        Assert.Contains("used 1036 MiB", drift.Detail, StringComparison.Ordinal);
        Assert.Contains("its bricks charge 1032 MiB", drift.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AccountingMismatch_SizeDiffers_IsReported()
    {
        nodes["n3"].Vgs[0] = new VolumeGroupReport("vg_d3", 600 * Units.GiB, 600 * Units.GiB - Charge);

        var drift = Assert.Single(Compare().Drift);

        Assert.Equal(DriftKind.AccountingMismatch, drift.Kind);
        Assert.Contains("size 600 GiB", drift.Detail, StringComparison.Ordinal);
        Assert.Contains("size 500 GiB", drift.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AccountingMismatch_StoreFreeDisagreesWithItsOwnBricks_IsReported()
    {
        model.Apply(new ChangeSet().Put(model.Devices["d1"] with { FreeKiB = 500 * Units.GiB, UsedKiB = 0 }));

        var drift = Assert.Single(Compare().Drift);

        Assert.Equal((DriftKind.AccountingMismatch, "d1"), (drift.Kind, drift.DeviceId));
    }

    [Fact]
    public void AccountingMismatch_NotReported_WhenABrickOfTheDeviceDiffers()
    {
        // Each of these already explains (or may explain) a size difference on its device.
        nodes["n1"].Lvs.RemoveAll(l => l.Name == "brick_b1");
        Take("n1", "vg_d1", 4 * Units.MiB);
        nodes["n2"].Mounts.Clear();
        Take("n2", "vg_d2", 4 * Units.MiB);
        nodes["n3"].Lvs.AddRange(PoolAndLv("vg_d3", "x9"));
        Take("n3", "vg_d3", 4 * Units.MiB);

        var drift = Compare().Drift;

        Assert.Equal([DriftKind.MissingBrick, DriftKind.UnmountedBrick, DriftKind.OrphanLogicalVolume], drift.Select(d => d.Kind));
    }

    [Fact]
    public void AccountingMismatch_NotReported_WhenTheDeviceHasAPendingBrick()
    {
        // A create is making b9 on d1: its space is charged, its LVs may or may not be there yet.
        model.Apply(new ChangeSet()
            .Put(Volume("v9", "c1", "vol_v9") with { PendingOperationId = "op1" })
            .Put(Brick("b9", "v9", "d1", set: 0, position: 0, nodeId: "n1") with { PendingOperationId = "op1" }));
        Take("n1", "vg_d1", 4 * Units.MiB);

        var result = Compare();

        Assert.Empty(result.Drift);
        Assert.Equal(2, result.PendingSkipped);
        Assert.Equal(3, result.BricksChecked);
    }

    [Fact]
    public void Pending_NodesDevicesBricksAndVolumes_AreSkippedAndCounted()
    {
        // Each of these would be drift if it were not pending: a node with no report, a device with no volume
        // group, a brick with no LVs, a volume Gluster does not have.
        model.Apply(new ChangeSet()
            .Put(Node("n4", "c1", "h4", "10.0.0.4") with { PendingOperationId = "op4" })
            .Put(Device("d5", "n1", "/dev/sdc") with { PendingOperationId = "op5" })
            .Put(Volume("v7", "c1", "vol_v7") with { PendingOperationId = "op7" })
            .Put(Brick("b6", "v7", "d2", set: 0, position: 0, nodeId: "n2") with { PendingOperationId = "op7" }));

        var result = Compare();

        Assert.Empty(result.Drift);
        Assert.Equal(4, result.PendingSkipped);
        Assert.Equal(3, result.DevicesChecked);
        Assert.Equal(3, result.BricksChecked);
        Assert.Equal(1, result.VolumesChecked);
    }

    [Fact]
    public void PendingVolume_KnownToGluster_IsNotAnUnknownVolume()
    {
        model.Apply(new ChangeSet().Put(Volume("v7", "c1", "vol_v7") with { PendingOperationId = "op7" }));
        volumes!.Add(new GlusterVolumeReport("vol_v7", true, ["10.0.0.1:/x/brick"]));

        Assert.Empty(Compare().Drift);
    }

    [Fact]
    public void MissingVolume_GlusterDoesNotHaveIt()
    {
        volumes!.Clear();

        var drift = Assert.Single(Compare().Drift);

        Assert.Equal(DriftKind.MissingVolume, drift.Kind);
        Assert.Equal("vol_v1", drift.Subject);
        Assert.Contains("v1", drift.Detail, StringComparison.Ordinal);
        Assert.Null(drift.NodeId);
        Assert.Equal(RepairAction.None, drift.Repair);
    }

    [Fact]
    public void UnknownVolume_GlusterHasOneTheStoreDoesNot()
    {
        volumes!.Add(new GlusterVolumeReport("stranger", false, ["10.0.0.9:/a/brick", "10.0.0.8:/b/brick"]));

        var drift = Assert.Single(Compare().Drift);

        Assert.Equal(DriftKind.UnknownVolume, drift.Kind);
        Assert.Equal("stranger", drift.Subject);
        Assert.Contains("2 bricks", drift.Detail, StringComparison.Ordinal);
        Assert.Equal(RepairAction.None, drift.Repair);
    }

    [Fact]
    public void BrickListMismatch_NamesWhatIsOnlyOnEachSide()
    {
        var replaced = "10.0.0.3:/var/lib/heketi/mounts/vg_d3/brick_zz/brick";
        volumes![0] = volumes[0] with { Bricks = [volumes[0].Bricks[0], volumes[0].Bricks[1], replaced] };

        var drift = Assert.Single(Compare().Drift);

        Assert.Equal(DriftKind.BrickListMismatch, drift.Kind);
        Assert.Equal("vol_v1", drift.Subject);
        Assert.Contains($"only in Gluster [{replaced}]", drift.Detail, StringComparison.Ordinal);
        Assert.Contains($"only in the store [10.0.0.3:{BrickPath(3, 3)}]", drift.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void BrickListMismatch_ComparesStorageHostnames_NotManageHostnames()
    {
        volumes![0] = volumes[0] with { Bricks = [.. volumes[0].Bricks.Select(b => b.Replace("10.0.0.", "h", StringComparison.Ordinal))] };

        Assert.Equal(DriftKind.BrickListMismatch, Assert.Single(Compare().Drift).Kind);
    }

    [Fact]
    public void VolumeStopped_GlusterHasItButNotStarted()
    {
        volumes![0] = volumes[0] with { Started = false };

        var drift = Assert.Single(Compare().Drift);

        Assert.Equal((DriftKind.VolumeStopped, "vol_v1"), (drift.Kind, drift.Subject));
    }

    [Fact]
    public void NodeUnreachable_ItsDevicesAndBricksAreNotCompared()
    {
        nodes.Remove("n2");
        unreachable["n2"] = "connection refused";

        var result = Compare();

        var drift = Assert.Single(result.Drift);
        Assert.Equal(DriftKind.NodeUnreachable, drift.Kind);
        Assert.Equal(("n2", "h2", "h2"), (drift.NodeId, drift.Host, drift.Subject));
        Assert.Contains("connection refused", drift.Detail, StringComparison.Ordinal);
        Assert.Equal(2, result.NodesChecked);
        Assert.Equal(2, result.DevicesChecked);
        Assert.Equal(2, result.BricksChecked);
    }

    [Fact]
    public void NodeUnreachable_NoReportAndNoReason_SaysNoReport()
    {
        nodes.Remove("n3");

        var drift = Assert.Single(Compare().Drift);

        Assert.Equal((DriftKind.NodeUnreachable, "n3"), (drift.Kind, drift.NodeId));
        Assert.Contains("no report", drift.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void NoGlusterAnswer_VolumesNotCompared_AndSaidSo()
    {
        volumes = null;

        var result = Compare();

        var drift = Assert.Single(result.Drift);
        Assert.Equal((DriftKind.NodeUnreachable, "gluster"), (drift.Kind, drift.Subject));
        Assert.Null(drift.NodeId);
        Assert.Equal(0, result.VolumesChecked);
    }

    [Fact]
    public void OtherCluster_ItsNodesAndVolumesAreNotLookedAt()
    {
        // c1's nodes all lack their volume groups, but only c2 (empty, so nobody was asked) is compared.
        model.Apply(new ChangeSet().Put(Cluster("c2")));
        nodes.Clear();
        volumes = null;

        var result = Compare("c2");

        Assert.Empty(result.Drift);
        Assert.Equal(0, result.DevicesChecked);
        Assert.Equal(0, result.VolumesChecked);
    }

    [Fact]
    public void ClusterWithOnlyAPendingNode_NoGlusterAnswerIsNoDrift()
    {
        // A node being added to a new cluster is not asked anything, so nobody answers gluster volume info.
        model.Apply(new ChangeSet().Put(Cluster("c2")).Put(Node("n8", "c2", "h8", "10.0.0.8") with { PendingOperationId = "op8" }));
        volumes = null;

        var result = Compare("c2");

        Assert.Empty(result.Drift);
        Assert.Equal(1, result.PendingSkipped);
    }

    [Fact]
    public void SeveralDrifts_AllReported_InNodeOrder()
    {
        nodes["n3"].Lvs.Add(new LogicalVolumeReport("vg_d3", "tp_x9", Units.GiB, null));
        nodes["n1"].Mounts.Clear();
        volumes!.Add(new GlusterVolumeReport("stranger", true, []));

        var drift = Compare().Drift;

        Assert.Equal(
            [(DriftKind.UnmountedBrick, "n1"), (DriftKind.OrphanLogicalVolume, "n3"), (DriftKind.UnknownVolume, null)],
            drift.Select(d => (d.Kind, d.NodeId)));
    }

    private sealed class FakeNode
    {
        public List<VolumeGroupReport> Vgs { get; } = [];

        public List<LogicalVolumeReport> Lvs { get; } = [];

        public List<string> Mounts { get; } = [];
    }
}
