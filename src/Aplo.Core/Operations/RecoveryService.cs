using Aplo.Core.Errors;
using Aplo.Core.Execution;
using Aplo.Core.Topology;

namespace Aplo.Core.Operations;

/// <summary>
/// At start, finishes every operation a crash left pending: each is rolled back or completed, so the store
/// and the nodes agree again and no space stays charged for nothing. Node commands are idempotent, which is
/// what makes running them again safe. An operation that cannot be finished (a node is down) is marked
/// <c>failed</c> and keeps its records, so nothing is forgotten.
/// </summary>
public sealed class RecoveryService(
    OperationContext context, VolumeService volumes, DeviceService devices, BrickEvictionService evictions, OperationRunner runner)
{
    /// <summary>
    /// Recovers the pending operations left by a previous run (all that are not marked failed), or, for an
    /// operator's cleanup request, exactly <paramref name="only"/> (failed ones included); returns how many were
    /// finished.
    /// </summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken, IReadOnlyCollection<string>? only = null)
    {
        var pending = context.Topology.Read(model => model.Operations.Values
            .Where(o => only is null ? o.Status != "failed" : only.Contains(o.Id))

            // A removal reports how many bricks are left on its device, so the evictions it ran go first.
            .OrderBy(o => o.Type is OperationType.DeviceRemove or OperationType.NodeRemove)
            .ThenBy(o => o.Started)
            .ToList());
        var finished = 0;
        foreach (var op in pending)
        {
            cancellationToken.ThrowIfCancellationRequested();
            OperationOutcome? outcome;
            try
            {
                outcome = await RecoverAsync(op, cancellationToken);
            }
            catch (Exception ex) when (ex is ExecutorException or AploException)
            {
                Log.RecoveryFailed(context.Logger, op.Id, op.Type.ToString(), ex.Message);
                await context.Topology.WriteAsync(
                    (model, changes) =>
                    {
                        if (model.Operations.TryGetValue(op.Id, out var current))
                        {
                            changes.Put(current with { Status = "failed" });
                        }
                    },
                    CancellationToken.None);
                await runner.RecordAsync(op.Id, op.Owner, VolumeService.Interrupted("recovering it failed and it is marked failed: " + ex.Message));
                continue;
            }

            if (outcome is not null)
            {
                finished++;
                Log.Recovered(context.Logger, op.Id, op.Type.ToString(), op.TargetId);

                // A client that polls this operation after the restart gets its real end, not Heketi's 404.
                await runner.RecordAsync(op.Id, op.Owner, outcome);
            }
        }

        return finished;
    }

    private async Task<OperationOutcome?> RecoverAsync(PendingOperation op, CancellationToken ct)
    {
        switch (op.Type)
        {
            case OperationType.VolumeCreate or OperationType.VolumeDelete or OperationType.VolumeExpand:
                return await volumes.RecoverAsync(op, ct);
            case OperationType.BrickEvict:
                return await evictions.RecoverAsync(op, ct);
            case OperationType.DeviceRemove or OperationType.NodeRemove:
                return await evictions.RecoverRemovalAsync(op, ct);
            case OperationType.NodeAdd or OperationType.NodeDelete:
                // A node add never finished its probe, a delete never finished its detach: either way the record
                // goes; glusterd keeps or drops the peer as the probe or detach left it.
                await context.Topology.WriteAsync((_, changes) => changes.Delete(EntityKind.Node, op.TargetId).Delete(EntityKind.Operation, op.Id), ct);
                return op.Type == OperationType.NodeAdd ? VolumeService.Interrupted("the node was not added") : OperationOutcome.Completed;
            case OperationType.DeviceAdd or OperationType.DeviceDelete:
                var target = context.Topology.Read(model =>
                    model.Devices.TryGetValue(op.TargetId, out var d) ? (Device: d, Host: model.Nodes[d.NodeId].ManageHostname) : default);
                if (target.Device is not null)
                {
                    await devices.UndoSetupAsync(target.Host, target.Device, ct);
                }

                await context.Topology.WriteAsync((_, changes) => changes.Delete(EntityKind.Device, op.TargetId).Delete(EntityKind.Operation, op.Id), ct);
                return op.Type == OperationType.DeviceAdd ? VolumeService.Interrupted("the device was not added") : OperationOutcome.Completed;
            default:
                return null;
        }
    }
}
