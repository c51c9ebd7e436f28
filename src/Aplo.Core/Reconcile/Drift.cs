namespace Aplo.Core.Reconcile;

/// <summary>How the store and what a node reports differ.</summary>
public enum DriftKind
{
    /// <summary>A brick's thin pool or LV on a node that no brick in the store owns.</summary>
    OrphanLogicalVolume,

    /// <summary>A brick in the store whose thin pool or LV the node does not have.</summary>
    MissingBrick,

    /// <summary>A brick whose LV exists but whose file system is not mounted.</summary>
    UnmountedBrick,

    /// <summary>A device in the store whose volume group the node does not have.</summary>
    MissingVolumeGroup,

    /// <summary>A volume group named like Aplo's (<c>vg_&lt;id&gt;</c>) that no device in the store owns.</summary>
    UnknownVolumeGroup,

    /// <summary>A device whose size or used space in the store differs from what LVM reports.</summary>
    AccountingMismatch,

    /// <summary>A volume in the store that Gluster does not know.</summary>
    MissingVolume,

    /// <summary>A Gluster volume that the store does not know.</summary>
    UnknownVolume,

    /// <summary>A volume whose bricks in Gluster differ from its bricks in the store.</summary>
    BrickListMismatch,

    /// <summary>A volume in the store that Gluster has but has not started.</summary>
    VolumeStopped,

    /// <summary>A node that did not answer, so nothing on it was compared.</summary>
    NodeUnreachable,
}

/// <summary>What a repair of a drift does; <see cref="None"/> when no repair is safe without a person deciding.</summary>
public enum RepairAction
{
    None,

    /// <summary>Unmount and remove an orphan brick's LV, thin pool and mount point (no volume uses it).</summary>
    DestroyOrphanBrick,

    /// <summary>Overwrite the device's sizes in the store with what LVM reports (device resync).</summary>
    ResyncDevice,
}

/// <summary>
/// One difference between the store and the cluster. <see cref="Subject"/> names what differs in the node's or
/// Gluster's own words (<c>vg_x/tp_y</c>, a volume name); <see cref="Detail"/> says how, with the figures.
/// </summary>
public sealed record Drift(
    DriftKind Kind,
    string ClusterId,
    string? NodeId,
    string? Host,
    string? DeviceId,
    string Subject,
    string Detail,
    RepairAction Repair = RepairAction.None,
    string? BrickId = null);

/// <summary>The comparison of one cluster.</summary>
public sealed record ClusterReconcile(
    string ClusterId,
    int NodesChecked,
    int DevicesChecked,
    int BricksChecked,
    int VolumesChecked,
    int PendingSkipped,
    IReadOnlyList<Drift> Drift);

/// <summary>A reconcile of one or all clusters.</summary>
public sealed record ReconcileReport(DateTimeOffset CheckedAt, IReadOnlyList<ClusterReconcile> Clusters)
{
    public int TotalDrift => Clusters.Sum(c => c.Drift.Count);
}

/// <summary>What a repair run did: each drift it repaired, each it could not (with why), and the report after.</summary>
public sealed record RepairReport(
    IReadOnlyList<Drift> Repaired,
    IReadOnlyList<(Drift Drift, string Error)> Failed,
    ReconcileReport After);
