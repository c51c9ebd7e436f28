using Aplo.Core.Errors;
using Aplo.Core.Execution;
using Aplo.Core.Operations;
using Aplo.Core.Topology;

namespace Aplo.Core.Reconcile;

/// <summary>
/// Asks the nodes what they hold (<c>vgs</c>, <c>lvs</c>, mounts, <c>gluster volume info</c>) and compares it
/// with the store; on request it repairs the drifts that are safe to repair. The store is read after the nodes
/// answered: an operation's build commits before any node command, so a brick a running operation is making is
/// already in the store, and an LV that is not can only be a leftover.
/// </summary>
public sealed class ReconcileService(OperationContext context) : IDisposable
{
    private readonly SemaphoreSlim repairGate = new(1, 1);

    public void Dispose() => repairGate.Dispose();

    /// <summary>Compares one cluster, or every cluster when <paramref name="clusterId"/> is null.</summary>
    public async Task<ReconcileReport> ExamineAsync(string? clusterId, CancellationToken cancellationToken)
    {
        var clusters = context.Topology.Read(model =>
        {
            if (clusterId is not null && !model.Clusters.ContainsKey(clusterId))
            {
                throw AploException.NotFound();
            }

            return clusterId is null
                ? model.Clusters.Keys.Order(StringComparer.Ordinal).ToList()
                : [clusterId];
        });
        var results = new List<ClusterReconcile>();
        foreach (var id in clusters)
        {
            var state = await GatherAsync(id, cancellationToken);
            results.Add(context.Topology.Read(model => DriftFinder.Compare(model, state)));
        }

        return new ReconcileReport(context.Time.GetUtcNow(), results);
    }

    /// <summary>
    /// Repairs what is safe: removes orphan bricks no Gluster volume uses, and resyncs devices whose bricks all
    /// match but whose sizes differ. Everything else is reported for a person to decide. One repair at a time.
    /// </summary>
    public async Task<RepairReport> RepairAsync(string? clusterId, CancellationToken cancellationToken)
    {
        await repairGate.WaitAsync(cancellationToken);
        try
        {
            var before = await ExamineAsync(clusterId, cancellationToken);
            var repaired = new List<Drift>();
            var failed = new List<(Drift, string)>();
            foreach (var drift in before.Clusters.SelectMany(c => c.Drift).Where(d => d.Repair != RepairAction.None))
            {
                try
                {
                    await RepairAsync(drift, cancellationToken);
                    repaired.Add(drift);
                    Log.DriftRepaired(context.Logger, drift.Kind.ToString(), drift.Subject, drift.Host ?? string.Empty);
                }
                catch (Exception ex) when (ex is ExecutorException or AploException)
                {
                    failed.Add((drift, ex.Message));
                    Log.DriftRepairFailed(context.Logger, drift.Kind.ToString(), drift.Subject, ex.Message);
                }
            }

            return new RepairReport(repaired, failed, await ExamineAsync(clusterId, cancellationToken));
        }
        finally
        {
            repairGate.Release();
        }
    }

    private async Task RepairAsync(Drift drift, CancellationToken ct)
    {
        switch (drift.Repair)
        {
            case RepairAction.DestroyOrphanBrick:
                var brickId = drift.BrickId ?? throw new InvalidOperationException("An orphan brick drift without a brick id");
                var vg = "vg_" + drift.DeviceId;
                var path = Brick.PathFor(context.Settings.MountRoot, drift.DeviceId!, brickId);

                // Sizes do not matter to a destroy; it removes what is there by name.
                await context.Executor.BrickDestroyAsync(drift.Host!, new BrickRequest(brickId, vg, path, 1, 1, 1, 0, BrickRole.Data), ct);
                break;
            case RepairAction.ResyncDevice:
                var device = context.Topology.Read(model => model.Devices.GetValueOrDefault(drift.DeviceId!))
                    ?? throw AploException.NotFound();
                var space = await context.Executor.DeviceInfoAsync(drift.Host!, new DeviceRequest(device.Id, device.Name, false, device.PvUuid), ct);
                await context.Topology.WriteAsync(
                    (model, changes) =>
                    {
                        var current = model.Devices.GetValueOrDefault(device.Id) ?? throw AploException.NotFound();
                        if (model.BrickIdsOnDevice(device.Id).Any(b => model.Bricks[b].PendingOperationId is not null))
                        {
                            throw AploException.Conflict($"Device {device.Id} is in use by a pending operation; resync it later");
                        }

                        changes.Put(current with { TotalKiB = space.TotalKiB, FreeKiB = space.FreeKiB, UsedKiB = space.UsedKiB, ExtentKiB = space.ExtentKiB });
                    },
                    ct);
                break;
            default:
                throw new InvalidOperationException($"No repair for {drift.Kind}");
        }
    }

    private async Task<ClusterState> GatherAsync(string clusterId, CancellationToken ct)
    {
        var nodes = context.Topology.Read(model => model.NodeIdsOf(clusterId)
            .Select(id => model.Nodes[id])
            .Where(n => n.PendingOperationId is null)
            .OrderBy(n => n.Id, StringComparer.Ordinal)
            .ToList());
        var inventories = new Dictionary<string, NodeInventory>(StringComparer.Ordinal);
        var unreachable = new Dictionary<string, string>(StringComparer.Ordinal);
        var answers = await Task.WhenAll(nodes.Select(async n =>
        {
            try
            {
                return (n.Id, Inventory: await context.Executor.NodeInventoryAsync(n.ManageHostname, ct), Error: (string?)null);
            }
            catch (ExecutorException ex)
            {
                return (n.Id, Inventory: (NodeInventory?)null, Error: ex.Message);
            }
        }));
        foreach (var (id, inventory, error) in answers)
        {
            if (inventory is not null)
            {
                inventories[id] = inventory;
            }
            else
            {
                unreachable[id] = error!;
            }
        }

        IReadOnlyList<GlusterVolumeReport>? volumes = null;
        foreach (var node in nodes.Where(n => inventories.ContainsKey(n.Id)))
        {
            try
            {
                volumes = await context.Executor.VolumesAsync(node.ManageHostname, ct);
                break;
            }
            catch (ExecutorException ex)
            {
                unreachable.TryAdd(node.Id, "gluster volume info: " + ex.Message);
            }
        }

        return new ClusterState(clusterId, inventories, unreachable, volumes);
    }
}
