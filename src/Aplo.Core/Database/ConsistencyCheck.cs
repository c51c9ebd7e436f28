using Aplo.Core.Topology;

namespace Aplo.Core.Database;

/// <summary>What the check found in one kind of entity, in Heketi's terms.</summary>
public sealed record BucketReport(int Total, int Pending, int Ok, int NotOk, IReadOnlyList<string> Inconsistencies);

/// <summary>
/// The result of <see cref="ConsistencyCheck.Run"/>. Aplo keeps no block volumes and no Heketi db attributes, so
/// those buckets are always empty; they exist so the report has Heketi's shape.
/// </summary>
public sealed record ConsistencyReport(
    BucketReport Clusters,
    BucketReport Volumes,
    BucketReport Bricks,
    BucketReport Nodes,
    BucketReport Devices,
    BucketReport PendingOperations)
{
    public static readonly BucketReport Empty = new(0, 0, 0, 0, []);

    public int TotalInconsistencies =>
        Clusters.Inconsistencies.Count + Volumes.Inconsistencies.Count + Bricks.Inconsistencies.Count
        + Nodes.Inconsistencies.Count + Devices.Inconsistencies.Count + PendingOperations.Inconsistencies.Count;
}

/// <summary>
/// Checks the store against itself, as Heketi's <c>db check</c> does: every reference resolves, device space adds
/// up (used is the sum of its bricks' thin pool and metadata sizes; total is free plus used), every pending marker
/// names a pending operation, and every volume can be mounted. Heketi keeps links in both directions and checks
/// that they agree; Aplo keeps each link once (the other direction is an index), so here the question is whether
/// the one link points at something that exists and agrees with what it points at.
/// </summary>
public static class ConsistencyCheck
{
    public static ConsistencyReport Run(TopologyModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new ConsistencyReport(
            // A cluster holds no references of its own: nodes and volumes point at it, and are checked there.
            Bucket(model.Clusters.Values, _ => false, _ => []),
            Bucket(model.Volumes.Values, v => v.PendingOperationId is not null, v => CheckVolume(model, v)),
            Bucket(model.Bricks.Values, b => b.PendingOperationId is not null, b => CheckBrick(model, b)),
            Bucket(model.Nodes.Values, n => n.PendingOperationId is not null, n => CheckNode(model, n)),
            Bucket(model.Devices.Values, d => d.PendingOperationId is not null, d => CheckDevice(model, d)),
            Bucket(model.Operations.Values, _ => false, o => CheckOperation(model, o)));
    }

    private static BucketReport Bucket<T>(IEnumerable<T> entities, Func<T, bool> pending, Func<T, IEnumerable<string>> check)
    {
        int total = 0, pendingCount = 0, ok = 0, notOk = 0;
        var found = new List<string>();
        foreach (var entity in entities)
        {
            total++;
            pendingCount += pending(entity) ? 1 : 0;
            var before = found.Count;
            found.AddRange(check(entity));
            if (found.Count == before)
            {
                ok++;
            }
            else
            {
                notOk++;
            }
        }

        return new BucketReport(total, pendingCount, ok, notOk, found);
    }

    private static IEnumerable<string> CheckNode(TopologyModel model, Node n)
    {
        foreach (var problem in CheckPending("Node", n.Id, n.PendingOperationId, model))
        {
            yield return problem;
        }

        if (!model.Clusters.ContainsKey(n.ClusterId))
        {
            yield return $"Node {n.Id} unknown cluster {n.ClusterId}";
        }

        if (n.ManageHostnames.Count == 0 || n.StorageHostnames.Count == 0)
        {
            yield return $"Node {n.Id} has no manage or no storage hostname";
            yield break;
        }

        foreach (var host in n.ManageHostnames.Concat(n.StorageHostnames).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (model.NodeByHostname(host) is { } owner && owner != n.Id)
            {
                yield return $"Node {n.Id} hostname {host} is also registered to node {owner}";
            }
        }
    }

    private static IEnumerable<string> CheckDevice(TopologyModel model, Device d)
    {
        foreach (var problem in CheckPending("Device", d.Id, d.PendingOperationId, model))
        {
            yield return problem;
        }

        if (!model.Nodes.ContainsKey(d.NodeId))
        {
            yield return $"Device {d.Id} unknown node {d.NodeId}";
        }

        if (d.TotalKiB < 0 || d.FreeKiB < 0 || d.UsedKiB < 0)
        {
            yield return $"Device {d.Id} has a negative size: total {d.TotalKiB}, free {d.FreeKiB}, used {d.UsedKiB}";
        }

        if (d.TotalKiB != d.FreeKiB + d.UsedKiB)
        {
            yield return $"Device {d.Id} total size {d.TotalKiB} != free {d.FreeKiB} + used {d.UsedKiB}";
        }

        var charged = model.BrickIdsOnDevice(d.Id).Sum(id => model.Bricks[id].ChargedKiB);
        if (charged != d.UsedKiB)
        {
            yield return $"Device {d.Id} used size {d.UsedKiB} != sum of its bricks' thin pool and metadata sizes {charged}";
        }
    }

    private static IEnumerable<string> CheckBrick(TopologyModel model, Brick b)
    {
        foreach (var problem in CheckPending("Brick", b.Id, b.PendingOperationId, model))
        {
            yield return problem;
        }

        if (!model.Nodes.ContainsKey(b.NodeId))
        {
            yield return $"Brick {b.Id} unknown node {b.NodeId}";
        }

        if (!model.Devices.TryGetValue(b.DeviceId, out var device))
        {
            yield return $"Brick {b.Id} unknown device {b.DeviceId}";
        }
        else if (device.NodeId != b.NodeId)
        {
            yield return $"Brick {b.Id} is on device {b.DeviceId} of node {device.NodeId} but names node {b.NodeId}";
        }

        if (!model.Volumes.TryGetValue(b.VolumeId, out var volume))
        {
            yield return $"Brick {b.Id} unknown volume {b.VolumeId}";
        }
        else if (model.Nodes.TryGetValue(b.NodeId, out var node) && node.ClusterId != volume.ClusterId)
        {
            yield return $"Brick {b.Id} is on node {b.NodeId} of cluster {node.ClusterId} but its volume {b.VolumeId} is in cluster {volume.ClusterId}";
        }

        if (b.SizeKiB <= 0 || b.ThinPoolKiB <= 0 || b.PoolMetadataKiB < 0)
        {
            yield return $"Brick {b.Id} has a size that is not positive: size {b.SizeKiB}, thin pool {b.ThinPoolKiB}, metadata {b.PoolMetadataKiB}";
        }

        if (!b.Path.EndsWith($"/vg_{b.DeviceId}/brick_{b.Id}/brick", StringComparison.Ordinal))
        {
            yield return $"Brick {b.Id} path {b.Path} is not on its device {b.DeviceId}";
        }
    }

    private static IEnumerable<string> CheckVolume(TopologyModel model, Volume v)
    {
        foreach (var problem in CheckPending("Volume", v.Id, v.PendingOperationId, model))
        {
            yield return problem;
        }

        if (!model.Clusters.ContainsKey(v.ClusterId))
        {
            yield return $"Volume {v.Id} unknown cluster {v.ClusterId}";
        }
        else if (!model.NodeIdsOf(v.ClusterId).Any(id => model.Nodes[id].PendingOperationId is null))
        {
            // Heketi compares its stored mount host list with the cluster's nodes; Aplo derives the list from the
            // nodes, so what can go wrong is that there is nothing to derive it from.
            yield return $"Volume {v.Id} has no mount hosts: cluster {v.ClusterId} has no nodes";
        }

        if (v.PendingOperationId is not null)
        {
            yield break;
        }

        var bricks = model.BrickIdsOf(v.Id).Select(id => model.Bricks[id]).Where(b => b.PendingOperationId is null).ToList();
        if (bricks.Count == 0)
        {
            yield return $"Volume {v.Id} has no bricks";
        }
        else if (bricks.Count % v.Durability.SetSize != 0)
        {
            yield return $"Volume {v.Id} has {bricks.Count} bricks, not a whole number of sets of {v.Durability.SetSize}";
        }
    }

    private static IEnumerable<string> CheckOperation(TopologyModel model, PendingOperation op)
    {
        var exists = op.Type switch
        {
            OperationType.VolumeCreate or OperationType.VolumeDelete or OperationType.VolumeExpand => model.Volumes.ContainsKey(op.TargetId),
            OperationType.NodeAdd or OperationType.NodeDelete or OperationType.NodeRemove => model.Nodes.ContainsKey(op.TargetId),
            OperationType.DeviceAdd or OperationType.DeviceDelete or OperationType.DeviceResync or OperationType.DeviceRemove => model.Devices.ContainsKey(op.TargetId),
            OperationType.BrickEvict => model.Bricks.ContainsKey(op.TargetId),
            _ => false,
        };
        if (!exists)
        {
            yield return $"Pending operation {op.Id} ({op.Type}) unknown target {op.TargetId}";
        }

        if (op.Status is not ("" or "stale" or "failed"))
        {
            yield return $"Pending operation {op.Id} has unknown status '{op.Status}'";
        }
    }

    private static IEnumerable<string> CheckPending(string kind, string id, string? operationId, TopologyModel model)
    {
        if (operationId is not null && !model.Operations.ContainsKey(operationId))
        {
            yield return $"{kind} {id} marked pending but no pending op {operationId}";
        }
    }
}
