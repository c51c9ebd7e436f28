using System.Globalization;
using Aplo.Core.Execution;
using Aplo.Core.Topology;

namespace Aplo.Core.Reconcile;

/// <summary>
/// Compares the store with what the nodes of a cluster report. Pure: it reads the model and the reports and
/// returns each drift. Entities of a pending operation are left out: while an operation runs (or waits for
/// recovery) its bricks may be half-made by design, and recovery, not a reconcile, settles them.
/// </summary>
public static class DriftFinder
{
    private const string ThinPoolPrefix = "tp_";
    private const string BrickLvPrefix = "brick_";
    private const string VolumeGroupPrefix = "vg_";

    public static ClusterReconcile Compare(TopologyModel model, ClusterState state)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(state);
        var clusterId = state.ClusterId;
        var drift = new List<Drift>();
        int devicesChecked = 0, bricksChecked = 0, pendingSkipped = 0;
        var glusterBrickPaths = (state.Volumes ?? []).SelectMany(v => v.Bricks).Select(PathOf).ToHashSet(StringComparer.Ordinal);

        foreach (var nodeId in model.NodeIdsOf(clusterId).Order(StringComparer.Ordinal))
        {
            var node = model.Nodes[nodeId];
            if (node.PendingOperationId is not null)
            {
                pendingSkipped++;
                continue;
            }

            var host = node.ManageHostname;
            if (!state.Inventories.TryGetValue(nodeId, out var inventory))
            {
                var why = state.Unreachable.GetValueOrDefault(nodeId, "no report");
                drift.Add(new Drift(DriftKind.NodeUnreachable, clusterId, nodeId, host, null, host, "The node was not compared: " + why));
                continue;
            }

            var groups = inventory.VolumeGroups.ToDictionary(g => g.Name, StringComparer.Ordinal);
            var lvsByGroup = inventory.LogicalVolumes.ToLookup(l => l.VolumeGroup, StringComparer.Ordinal);
            var mounts = inventory.BrickMounts.ToHashSet(StringComparer.Ordinal);
            var deviceIds = model.DeviceIdsOf(nodeId);

            foreach (var deviceId in deviceIds.Order(StringComparer.Ordinal))
            {
                var device = model.Devices[deviceId];
                if (device.PendingOperationId is not null)
                {
                    pendingSkipped++;
                    continue;
                }

                devicesChecked++;
                if (!groups.TryGetValue(device.VolumeGroup, out var group))
                {
                    drift.Add(new Drift(
                        DriftKind.MissingVolumeGroup, clusterId, nodeId, host, deviceId, device.VolumeGroup,
                        $"Device {device.Name} is in the store but the node has no volume group {device.VolumeGroup}"));
                    continue;
                }

                var before = drift.Count;
                var bricks = model.BrickIdsOnDevice(deviceId).Select(b => model.Bricks[b]).ToList();
                var lvs = lvsByGroup[device.VolumeGroup].Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
                var pendingHere = false;
                foreach (var brick in bricks)
                {
                    if (brick.PendingOperationId is not null)
                    {
                        pendingHere = true;
                        pendingSkipped++;
                        continue;
                    }

                    bricksChecked++;
                    var missing = new[] { brick.ThinPool, brick.LogicalVolume }.Where(n => !lvs.Contains(n)).ToList();
                    if (missing.Count > 0)
                    {
                        drift.Add(new Drift(
                            DriftKind.MissingBrick, clusterId, nodeId, host, deviceId, $"{device.VolumeGroup}/{brick.LogicalVolume}",
                            $"Brick {brick.Id} of volume {VolumeName(model, brick)} is in the store but the node has no {string.Join(" or ", missing)}",
                            BrickId: brick.Id));
                    }
                    else if (!mounts.Contains(brick.MountPoint))
                    {
                        drift.Add(new Drift(
                            DriftKind.UnmountedBrick, clusterId, nodeId, host, deviceId, brick.MountPoint,
                            $"Brick {brick.Id} of volume {VolumeName(model, brick)} has its LV but nothing is mounted at {brick.MountPoint}",
                            BrickId: brick.Id));
                    }
                }

                drift.AddRange(Orphans(model, clusterId, node, device, lvsByGroup[device.VolumeGroup], bricks, glusterBrickPaths));

                // Only a device whose bricks all matched can be judged on its sizes: a missing or orphan brick
                // already explains a difference, and a pending one is allowed to.
                if (drift.Count == before && !pendingHere)
                {
                    var storeUsed = bricks.Sum(b => b.ChargedKiB);
                    if (group.SizeKiB != device.TotalKiB || group.UsedKiB != storeUsed || device.FreeKiB != group.FreeKiB)
                    {
                        drift.Add(new Drift(
                            DriftKind.AccountingMismatch, clusterId, nodeId, host, deviceId, device.VolumeGroup,
                            $"LVM reports size {Kib(group.SizeKiB)}, used {Kib(group.UsedKiB)}, free {Kib(group.FreeKiB)}; the store has size {Kib(device.TotalKiB)}, free {Kib(device.FreeKiB)} and its bricks charge {Kib(storeUsed)}",
                            RepairAction.ResyncDevice));
                    }
                }
            }

            // A volume group named like Aplo's that no device owns: a device the store forgot, or one left by a
            // device add that failed. It may hold data, so it is reported, never removed.
            var owned = deviceIds.Select(d => VolumeGroupPrefix + d).ToHashSet(StringComparer.Ordinal);
            var allOwned = model.Devices.Keys.Select(d => VolumeGroupPrefix + d).ToHashSet(StringComparer.Ordinal);
            foreach (var group in inventory.VolumeGroups.Where(g => g.Name.StartsWith(VolumeGroupPrefix, StringComparison.Ordinal)
                && !owned.Contains(g.Name) && !allOwned.Contains(g.Name)).OrderBy(g => g.Name, StringComparer.Ordinal))
            {
                drift.Add(new Drift(
                    DriftKind.UnknownVolumeGroup, clusterId, nodeId, host, null, group.Name,
                    $"Volume group {group.Name} ({Kib(group.SizeKiB)}, {Kib(group.UsedKiB)} used) belongs to no device in the store"));
            }
        }

        var volumesChecked = 0;
        if (state.Volumes is { } volumes)
        {
            volumesChecked = CompareVolumes(model, clusterId, volumes, drift, ref pendingSkipped);
        }
        else if (model.NodeIdsOf(clusterId).Any(id => model.Nodes[id].PendingOperationId is null))
        {
            // Only nodes that are not pending are asked; with none of those, nobody failed to answer.
            drift.Add(new Drift(DriftKind.NodeUnreachable, clusterId, null, null, null, "gluster", "No node of the cluster answered gluster volume info; volumes were not compared"));
        }

        return new ClusterReconcile(clusterId, state.Inventories.Count, devicesChecked, bricksChecked, volumesChecked, pendingSkipped, drift);
    }

    private static IEnumerable<Drift> Orphans(
        TopologyModel model, string clusterId, Node node, Device device, IEnumerable<LogicalVolumeReport> lvs, List<Brick> bricks, HashSet<string> glusterBrickPaths)
    {
        var known = bricks.SelectMany(b => new[] { b.ThinPool, b.LogicalVolume }).ToHashSet(StringComparer.Ordinal);
        var orphans = lvs.Where(l => !known.Contains(l.Name)).ToList();

        // A brick's thin pool and thin LV are one orphan: the repair removes both.
        foreach (var group in orphans.GroupBy(l => BrickIdOf(l.Name) ?? "\0" + l.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var names = string.Join(", ", group.Select(l => l.Name).Order(StringComparer.Ordinal));
            var size = Kib(group.Where(l => l.Pool is null).Sum(l => l.SizeKiB));
            var brickId = BrickIdOf(group.First().Name);
            if (brickId is null)
            {
                yield return new Drift(
                    DriftKind.OrphanLogicalVolume, clusterId, node.Id, node.ManageHostname, device.Id, $"{device.VolumeGroup}/{names}",
                    $"LV {names} in Aplo's volume group was not made by Aplo; it is left for a person to look at");
                continue;
            }

            var inUse = glusterBrickPaths.Any(p => p.EndsWith($"/{device.VolumeGroup}/{BrickLvPrefix}{brickId}/brick", StringComparison.Ordinal));
            var owner = model.Bricks.ContainsKey(brickId) ? " (the store has this brick on another device)" : string.Empty;
            yield return inUse
                ? new Drift(
                    DriftKind.OrphanLogicalVolume, clusterId, node.Id, node.ManageHostname, device.Id, $"{device.VolumeGroup}/{names}",
                    $"Brick {brickId} ({size}) is not in the store{owner} but a Gluster volume uses it; it is left alone", BrickId: brickId)
                : new Drift(
                    DriftKind.OrphanLogicalVolume, clusterId, node.Id, node.ManageHostname, device.Id, $"{device.VolumeGroup}/{names}",
                    $"Brick {brickId} ({size}) is not in the store{owner} and no Gluster volume uses it: leaked space", RepairAction.DestroyOrphanBrick, brickId);
        }
    }

    private static int CompareVolumes(TopologyModel model, string clusterId, IReadOnlyList<GlusterVolumeReport> volumes, List<Drift> drift, ref int pendingSkipped)
    {
        var checkedCount = 0;
        var gluster = volumes.ToDictionary(v => v.Name, StringComparer.Ordinal);
        var storeNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var volumeId in model.VolumeIdsOf(clusterId).Order(StringComparer.Ordinal))
        {
            var volume = model.Volumes[volumeId];
            storeNames.Add(volume.Name);
            if (volume.PendingOperationId is not null)
            {
                pendingSkipped++;
                continue;
            }

            checkedCount++;
            if (!gluster.TryGetValue(volume.Name, out var actual))
            {
                drift.Add(new Drift(DriftKind.MissingVolume, clusterId, null, null, null, volume.Name, $"Volume {volume.Id} is in the store but Gluster has no volume {volume.Name}"));
                continue;
            }

            // A brick pending on a volume that is not is an evicted brick waiting to be destroyed: Gluster dropped it.
            var expected = model.BrickIdsOf(volumeId).Select(b => model.Bricks[b]).Where(b => b.PendingOperationId is null)
                .Select(b => $"{model.Nodes[b.NodeId].StorageHostname}:{b.Path}").ToHashSet(StringComparer.Ordinal);
            var extra = actual.Bricks.Where(b => !expected.Contains(b)).ToList();
            var lacking = expected.Where(b => !actual.Bricks.Contains(b)).ToList();
            if (extra.Count > 0 || lacking.Count > 0)
            {
                drift.Add(new Drift(
                    DriftKind.BrickListMismatch, clusterId, null, null, null, volume.Name,
                    $"Gluster's bricks of {volume.Name} differ from the store's: only in Gluster [{string.Join(", ", extra)}], only in the store [{string.Join(", ", lacking)}]"));
            }

            if (!actual.Started)
            {
                drift.Add(new Drift(DriftKind.VolumeStopped, clusterId, null, null, null, volume.Name, $"Gluster has volume {volume.Name} but it is not started"));
            }
        }

        foreach (var name in gluster.Keys.Where(n => !storeNames.Contains(n)).Order(StringComparer.Ordinal))
        {
            drift.Add(new Drift(
                DriftKind.UnknownVolume, clusterId, null, null, null, name,
                $"Gluster has volume {name} ({gluster[name].Bricks.Count} bricks) but the store does not; it is left alone"));
        }

        return checkedCount;
    }

    /// <summary>The brick id in <c>tp_&lt;id&gt;</c> or <c>brick_&lt;id&gt;</c>, or null for any other LV name.</summary>
    private static string? BrickIdOf(string lvName) =>
        lvName.StartsWith(ThinPoolPrefix, StringComparison.Ordinal) ? lvName[ThinPoolPrefix.Length..]
        : lvName.StartsWith(BrickLvPrefix, StringComparison.Ordinal) ? lvName[BrickLvPrefix.Length..]
        : null;

    private static string PathOf(string brick) => brick[(brick.IndexOf(':', StringComparison.Ordinal) + 1)..];

    private static string VolumeName(TopologyModel model, Brick brick) =>
        model.Volumes.TryGetValue(brick.VolumeId, out var v) ? v.Name : brick.VolumeId;

    private static string Kib(long kib) =>
        kib % Units.GiB == 0 ? (kib / Units.GiB).ToString(CultureInfo.InvariantCulture) + " GiB"
        : kib % Units.MiB == 0 ? (kib / Units.MiB).ToString(CultureInfo.InvariantCulture) + " MiB"
        : kib.ToString(CultureInfo.InvariantCulture) + " KiB";
}
