using Aplo.Core.Allocation;
using Aplo.Core.Errors;
using Aplo.Core.Execution;
using Aplo.Core.Topology;

namespace Aplo.Core.Operations;

/// <summary>
/// Moves bricks to other devices: brick eviction (<c>POST /bricks/to-evict/{id}</c>), and device and node removal
/// (state <c>failed</c>), which evict every brick of the device or node and then fail it (reference §1.5, §4.7).
/// <para>
/// One eviction is: build (place a new brick by the rules of its set, charge it, mark the volume busy) → heal
/// check → create the new brick → <c>replace-brick</c> → finalize the volume (the new brick is in, the old one is
/// marked for removal) → destroy the old brick and free its space. Each eviction is a pending operation of its
/// own, so a crash between any two steps is finished by what Gluster holds: the volume still lists the old brick
/// (the new one is destroyed) or it lists the new one (the old one is destroyed).
/// </para>
/// </summary>
public sealed class BrickEvictionService(OperationContext context, VolumeService volumes)
{
    /// <summary>Starts moving one brick to another device. Returns the queue id.</summary>
    public async Task<string> EvictAsync(string brickId, string? healCheck, string owner, CancellationToken cancellationToken)
    {
        var check = ParseHealCheck(healCheck);
        context.Runner.Admit();
        var opId = context.Ids.NewId();
        Eviction eviction;
        try
        {
            eviction = await context.Topology.WriteAsync((model, changes) => Build(model, changes, brickId, opId), cancellationToken);
        }
        catch
        {
            context.Runner.Throttle.Exit();
            throw;
        }

        context.Runner.Start(opId, owner, throttled: true, async ct =>
        {
            var leftover = await RunAsync(eviction, check, ct);
            return leftover is null ? OperationOutcome.Completed : throw new ExecutorException(leftover);
        });
        return opId;
    }

    /// <summary>
    /// Sets a node's or a device's state. <paramref name="apply"/> checks the change under the write lock and
    /// either makes it (returns false) or says the target holds bricks to move first (returns true): then a
    /// <paramref name="removal"/> is recorded and run, which fails the target once its bricks are elsewhere. A
    /// change to <c>failed</c> takes an in-flight slot, as Heketi throttles device and node removal.
    /// </summary>
    internal async Task<string> SetStateAsync(
        OperationType removal, string targetId, EntityState target, string? healCheck, string owner,
        Func<TopologyModel, ChangeSet, bool> apply, CancellationToken cancellationToken)
    {
        var check = ParseHealCheck(healCheck);
        var failing = target == EntityState.Failed;
        if (failing)
        {
            context.Runner.Admit();
        }

        var opId = context.Ids.NewId();
        bool removing;
        try
        {
            removing = await context.Topology.WriteAsync(
                (model, changes) =>
                {
                    if (!apply(model, changes))
                    {
                        return false;
                    }

                    changes.Put(new PendingOperation(opId, removal, context.Time.GetUtcNow(), string.Empty, targetId, []));
                    return true;
                },
                cancellationToken);
        }
        catch
        {
            if (failing)
            {
                context.Runner.Throttle.Exit();
            }

            throw;
        }

        context.Runner.Start(opId, owner, throttled: failing, ct => removing
            ? RemoveAsync(opId, removal, targetId, check, ct)
            : Task.FromResult(OperationOutcome.Completed));
        return opId;
    }

    /// <summary>Whether a heal check runs: Heketi's <c>healcheck</c> is empty or <c>enable</c> for yes, <c>disable</c> for no.</summary>
    public static bool ParseHealCheck(string? healCheck) => healCheck switch
    {
        null or "" or "enable" => true,
        "disable" => false,
        _ => throw AploException.Invalid($"healcheck: '{healCheck}' is not one of enable, disable"),
    };

    /// <summary>
    /// Evicts every brick on <paramref name="deviceId"/>, one at a time, in id order. A brick that cannot be moved
    /// stops the loop (the rest stay where they are); an old brick that moved but could not be destroyed does not
    /// (its data is safe elsewhere) and is returned in the list of leftovers.
    /// </summary>
    internal async Task<IReadOnlyList<string>> EvictDeviceAsync(string deviceId, bool healCheck, CancellationToken ct)
    {
        var leftovers = new List<string>();
        var (total, name) = context.Topology.Read(model => (model.BrickIdsOnDevice(deviceId).Count, model.Devices[deviceId].Name));
        var moved = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var next = context.Topology.Read(model => model.BrickIdsOnDevice(deviceId)
                .Where(b => model.Bricks[b].PendingOperationId is null)
                .Order(StringComparer.Ordinal)
                .FirstOrDefault());
            if (next is null)
            {
                // A brick of another operation in flight (a create that began before the device went offline)
                // must not be left on a device about to be failed.
                var busy = context.Topology.Read(model => model.BrickIdsOnDevice(deviceId).Select(b => model.Bricks[b])
                    .Where(b => !(model.Operations.TryGetValue(b.PendingOperationId!, out var op) && op.Type == OperationType.BrickEvict && op.TargetId == b.Id))
                    .Select(b => b.Id)
                    .ToList());
                return busy.Count == 0
                    ? leftovers
                    : throw AploException.Conflict(
                        $"Device {deviceId} ({name}): {moved} of {total} bricks moved, but brick(s) {string.Join(", ", busy)} belong to an operation still running; "
                        + "set the device failed again once it has ended");
            }

            var opId = context.Ids.NewId();
            try
            {
                var eviction = await context.Topology.WriteAsync((model, changes) => Build(model, changes, next, opId), ct);

                // Each eviction is in the queue too, so the cleaner sees it in flight and its end can be read.
                context.Runner.Queue.Add(opId, "admin");
                string? leftover;
                try
                {
                    leftover = await RunAsync(eviction, healCheck, ct);
                }
                catch (Exception ex) when (ex is AploException or ExecutorException)
                {
                    await context.Runner.RecordAsync(opId, "admin", new OperationOutcome.Failed(ex.Message));
                    throw;
                }

                await context.Runner.RecordAsync(opId, "admin", leftover is null ? OperationOutcome.Completed : new OperationOutcome.Failed(leftover));
                if (leftover is not null)
                {
                    leftovers.Add(leftover);
                }

                moved++;
            }
            catch (Exception ex) when (ex is AploException or ExecutorException)
            {
                throw new AploException(
                    ex is AploException a ? a.Kind : ErrorKind.Internal,
                    $"Device {deviceId} ({name}): {moved} of {total} bricks moved, then brick {next} could not be: {ex.Message}"
                    + (leftovers.Count > 0 ? "; also " + string.Join("; ", leftovers) : string.Empty));
            }
        }
    }

    /// <summary>
    /// Runs a removal that a state change to <c>failed</c> recorded (<see cref="OperationType.DeviceRemove"/> or
    /// <see cref="OperationType.NodeRemove"/>): evicts the bricks of the device, or of each device of the node,
    /// then marks them failed. If a brick cannot be moved the removal stops, its record goes and the device (or
    /// node) keeps its state with the bricks not yet moved.
    /// </summary>
    private async Task<OperationOutcome> RemoveAsync(string opId, OperationType type, string targetId, bool healCheck, CancellationToken ct)
    {
        var isNode = type == OperationType.NodeRemove;
        var what = isNode ? "Node" : "Device";
        var deviceIds = context.Topology.Read(model => isNode ? [.. model.DeviceIdsOf(targetId).Order(StringComparer.Ordinal)] : new List<string> { targetId });
        var leftovers = new List<string>();
        try
        {
            foreach (var deviceId in deviceIds)
            {
                leftovers.AddRange(await EvictDeviceAsync(deviceId, healCheck, ct));
            }
        }
        catch (Exception ex) when (ex is AploException or ExecutorException)
        {
            await context.Topology.WriteAsync((_, changes) => changes.Delete(EntityKind.Operation, opId), CancellationToken.None);
            throw;
        }

        await context.Topology.WriteAsync(
            (model, changes) =>
            {
                foreach (var deviceId in deviceIds)
                {
                    changes.Put(model.Devices[deviceId] with { State = EntityState.Failed });
                }

                if (isNode)
                {
                    changes.Put(model.Nodes[targetId] with { State = EntityState.Failed });
                }

                changes.Delete(EntityKind.Operation, opId);
            },
            CancellationToken.None);
        Log.Removed(context.Logger, what, targetId);
        return leftovers.Count == 0
            ? OperationOutcome.Completed
            : throw new ExecutorException(
                $"{what} {targetId} is failed and none of its bricks serves a volume any more, but {leftovers.Count} old brick(s) could not be destroyed: "
                + string.Join("; ", leftovers));
    }

    /// <summary>A removal left by a crash: its record goes, and the device or node keeps the state it had.</summary>
    public async Task<OperationOutcome> RecoverRemovalAsync(PendingOperation op, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(op);
        var left = context.Topology.Read(model => (op.Type == OperationType.NodeRemove ? model.DeviceIdsOf(op.TargetId) : [op.TargetId])
            .Sum(d => model.BrickIdsOnDevice(d).Count));
        await context.Topology.WriteAsync((_, changes) => changes.Delete(EntityKind.Operation, op.Id), ct);
        var what = op.Type == OperationType.NodeRemove ? "node" : "device";
        return VolumeService.Interrupted($"the {what} keeps its state with {left} brick(s) still on it; set it failed again to move them");
    }

    /// <summary>Refuses a change to a device or node whose removal is under way.</summary>
    public static void CheckNotBeingRemoved(TopologyModel model, string nodeId, string? deviceId = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var op in model.Operations.Values)
        {
            if ((op.Type == OperationType.NodeRemove && op.TargetId == nodeId) || (op.Type == OperationType.DeviceRemove && op.TargetId == deviceId))
            {
                throw AploException.Conflict($"{(op.Type == OperationType.NodeRemove ? "Node " + nodeId : "Device " + deviceId)} is being removed (operation {op.Id})");
            }
        }
    }

    private sealed record Eviction(string OpId, Volume Volume, Brick Old, Brick New);

    private Eviction Build(TopologyModel model, ChangeSet changes, string brickId, string opId)
    {
        if (!model.Bricks.TryGetValue(brickId, out var old) || old.PendingOperationId is not null
            || !model.Volumes.TryGetValue(old.VolumeId, out var volume) || !VolumeService.IsVisible(model, volume))
        {
            throw AploException.NotFound();
        }

        if (volume.PendingOperationId is not null)
        {
            throw AploException.Conflict($"Volume {volume.Id} is busy with another operation");
        }

        if (volume.Durability.SetSize == 1)
        {
            throw AploException.Conflict(
                $"Brick {brickId} belongs to volume {volume.Name}, which keeps one copy of its data (durability none); moving the brick would lose it");
        }

        var set = model.BrickIdsOf(volume.Id).Select(b => model.Bricks[b])
            .Where(b => b.SetIndex == old.SetIndex && b.Id != old.Id && b.PendingOperationId is null)
            .Select(b => new CandidateDevice(b.DeviceId, b.NodeId, model.Nodes[b.NodeId].Zone, 0, 0))
            .ToList();
        var request = new ReplacementRequest(
            old.SizeKiB, old.Role, volume.SnapshotFactor, old.DeviceId, set, volumes.StrictZones(volume.Options), VolumeService.DeviceTagMatch(volume.Options));
        var plan = BrickAllocator.Replacement(VolumeService.Candidates(model, volume.ClusterId), request);

        var newId = context.Ids.NewId();
        var created = new Brick(
            newId, volume.Id, plan.DeviceId, plan.NodeId, Brick.PathFor(context.Settings.MountRoot, plan.DeviceId, newId),
            plan.SizeKiB, plan.ThinPoolKiB, plan.PoolMetadataKiB, old.Role, old.SetIndex, old.Position, opId);
        var device = model.Devices[plan.DeviceId];
        changes.Put(created)
            .Put(device with { FreeKiB = device.FreeKiB - plan.ChargedKiB, UsedKiB = device.UsedKiB + plan.ChargedKiB })
            .Put(volume with { PendingOperationId = opId })
            .Put(new PendingOperation(opId, OperationType.BrickEvict, context.Time.GetUtcNow(), string.Empty, old.Id, [newId]));
        return new Eviction(opId, volume, old, created);
    }

    /// <summary>Runs an eviction that is built. Returns null when the old brick is gone, else why it is not.</summary>
    private async Task<string?> RunAsync(Eviction e, bool healCheck, CancellationToken ct)
    {
        var (targets, hosts) = context.Topology.Read(model =>
            (VolumeService.Targets(model, e.Volume, [e.Old, e.New]), GlusterHosts(model, e.Volume, e.Old)));
        try
        {
            if (healCheck)
            {
                await CheckHealAsync(e, targets, hosts, ct);
            }

            await volumes.CreateBricksAsync(targets, [e.New], ct);
            await context.Executor.VolumeReplaceBrickAsync(
                hosts.FirstOrDefault() ?? throw new ExecutorException($"No online node of the cluster can run replace-brick for volume {e.Volume.Name}"),
                e.Volume.Name,
                Address(targets, e.Old),
                Address(targets, e.New),
                ct);
        }
        catch (Exception ex) when (ex is ExecutorException or AploException or OperationCanceledException)
        {
            // replace-brick may have run even though its reply was lost: then the eviction goes on.
            if (!await SettleAsync(e, targets, CancellationToken.None))
            {
                throw;
            }
        }

        await SwapAsync(e, CancellationToken.None);
        return await DestroyOldAsync(e, targets, CancellationToken.None);
    }

    /// <summary>
    /// Refuses to take a brick away while it is the source of pending heals (it may hold the only good copy of
    /// some files), or while too few of its set's other bricks are up for the set to keep quorum without it.
    /// </summary>
    private async Task CheckHealAsync(Eviction e, VolumeService.ExecTargets targets, IReadOnlyList<string> hosts, CancellationToken ct)
    {
        var heal = await FirstAnswerAsync(hosts, host => context.Executor.HealInfoAsync(host, e.Volume.Name, ct), "heal info");
        var others = context.Topology.Read(model => model.BrickIdsOf(e.Volume.Id).Select(b => model.Bricks[b])
            .Where(b => b.SetIndex == e.Old.SetIndex && b.Id != e.Old.Id && b.PendingOperationId is null)
            .Select(b => $"{model.Nodes[b.NodeId].StorageHostname}:{b.Path}")
            .ToHashSet(StringComparer.Ordinal));
        var old = Address(targets, e.Old).ToString();
        if (heal.FirstOrDefault(h => h.Name == old) is { Connected: true, NumberOfEntries: > 0 } source)
        {
            throw AploException.Conflict(
                $"Brick {e.Old.Id} ({old}) has {source.NumberOfEntries} entries to heal to other bricks of its set and may hold the only good copy; "
                + $"wait until 'gluster volume heal {e.Volume.Name} info' shows 0 for it, or evict with the heal check disabled");
        }

        var up = heal.Count(h => h.Connected && others.Contains(h.Name));
        var quorum = e.Volume.Durability.Type == DurabilityType.Disperse
            ? e.Volume.Durability.Data
            : e.Volume.Durability.SetSize == 2 ? 1 : (e.Volume.Durability.SetSize / 2) + 1;
        if (up < quorum)
        {
            throw AploException.Conflict(
                $"Brick {e.Old.Id} cannot be moved: {up} of the other {others.Count} bricks of its set are up and the set needs {quorum} "
                + "to keep serving while the new brick heals; bring them back first");
        }
    }

    /// <summary>
    /// After a failure, decides by Gluster's brick list: true if the new brick replaced the old one (the eviction
    /// goes on); otherwise the new brick is destroyed and its space freed, or, if that fails or Gluster cannot be
    /// asked, the operation is marked failed with its records kept. Returns false in both of those cases.
    /// </summary>
    private async Task<bool> SettleAsync(Eviction e, VolumeService.ExecTargets targets, CancellationToken ct)
    {
        var present = await volumes.GlusterBricksAsync(e.Volume, ct);
        var (old, created) = (Address(targets, e.Old).ToString(), Address(targets, e.New).ToString());
        if (present is not null && present.Contains(created) && !present.Contains(old))
        {
            return true;
        }

        var undone = present is null
            ? "Gluster could not be asked which bricks the volume has"
            : present.Contains(old) ? await volumes.UndoAsync(targets, null, [e.New], ct) : $"Gluster lists neither {old} nor {created} in volume {e.Volume.Name}";
        await context.Topology.WriteAsync(
            (model, changes) =>
            {
                if (undone is null)
                {
                    VolumeService.Release(model, changes, [e.New]);
                    changes.Put(model.Volumes[e.Volume.Id] with { PendingOperationId = null }).Delete(EntityKind.Operation, e.OpId);
                }
                else
                {
                    changes.Put(model.Operations[e.OpId] with { Status = "failed" });
                }
            },
            CancellationToken.None);
        if (undone is not null)
        {
            Log.RollbackIncomplete(context.Logger, e.OpId, undone);
        }

        return false;
    }

    /// <summary>The new brick is the volume's; the old one stays recorded (hidden, charged) until it is destroyed.</summary>
    private Task SwapAsync(Eviction e, CancellationToken ct) =>
        context.Topology.WriteAsync(
            (model, changes) => changes
                .Put(model.Bricks[e.New.Id] with { PendingOperationId = null })
                .Put(model.Bricks[e.Old.Id] with { PendingOperationId = e.OpId })
                .Put(model.Volumes[e.Volume.Id] with { PendingOperationId = null }),
            ct);

    private async Task<string?> DestroyOldAsync(Eviction e, VolumeService.ExecTargets targets, CancellationToken ct)
    {
        var undone = await volumes.UndoAsync(targets, null, [e.Old], ct);
        await context.Topology.WriteAsync(
            (model, changes) =>
            {
                if (undone is null)
                {
                    VolumeService.Release(model, changes, [e.Old]);
                    changes.Delete(EntityKind.Operation, e.OpId);
                }
                else
                {
                    changes.Put(model.Operations[e.OpId] with { Status = "failed" });
                }
            },
            CancellationToken.None);
        if (undone is null)
        {
            Log.BrickEvicted(context.Logger, e.Old.Id, e.New.Id, e.Volume.Name);
            return null;
        }

        Log.RollbackIncomplete(context.Logger, e.OpId, undone);
        return $"brick {e.Old.Id} of volume {e.Volume.Name} was replaced by {e.New.Id}, but the old brick could not be removed ({undone}); "
            + "it stays recorded and charged until POST /operations/pending/cleanup removes it";
    }

    /// <summary>Finishes an eviction a crash interrupted, or retries one marked failed.</summary>
    public async Task<OperationOutcome?> RecoverAsync(PendingOperation op, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(op);
        var e = context.Topology.Read(model =>
            model.Bricks.TryGetValue(op.TargetId, out var old) && op.BrickIds.Count == 1 && model.Bricks.TryGetValue(op.BrickIds[0], out var created)
                && model.Volumes.TryGetValue(old.VolumeId, out var volume)
                ? new Eviction(op.Id, volume, old, created)
                : null);
        if (e is null)
        {
            await context.Topology.WriteAsync((_, changes) => changes.Delete(EntityKind.Operation, op.Id), ct);
            return VolumeService.Interrupted("there was nothing left to undo");
        }

        var targets = context.Topology.Read(model => VolumeService.Targets(model, e.Volume, [e.Old, e.New]));
        if (e.Old.PendingOperationId != op.Id)
        {
            if (!await SettleAsync(e, targets, ct))
            {
                var failed = context.Topology.Read(model => model.Operations.ContainsKey(op.Id));
                return failed ? null : VolumeService.Interrupted("the brick was not moved");
            }

            await SwapAsync(e, ct);
        }

        return await DestroyOldAsync(e, targets, ct) is { } leftover ? throw new ExecutorException(leftover) : OperationOutcome.Completed;
    }

    /// <summary>Manage hosts of the cluster's online nodes, those that do not hold the brick being moved first.</summary>
    private static List<string> GlusterHosts(TopologyModel model, Volume volume, Brick old) =>
        [.. VolumeService.ManageHosts(model, volume.ClusterId).OrderBy(h => h == model.Nodes[old.NodeId].ManageHostname)];

    private static BrickAddress Address(VolumeService.ExecTargets targets, Brick brick) => new(targets.StorageHosts[brick.NodeId], brick.Path);

    private static async Task<T> FirstAnswerAsync<T>(IReadOnlyList<string> hosts, Func<string, Task<T>> ask, string what)
    {
        ExecutorException? last = null;
        foreach (var host in hosts)
        {
            try
            {
                return await ask(host);
            }
            catch (ExecutorException ex)
            {
                last = ex;
            }
        }

        throw last ?? new ExecutorException($"No online node of the cluster can answer {what}");
    }
}
