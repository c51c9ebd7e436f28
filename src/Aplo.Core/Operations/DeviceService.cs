using Aplo.Core.Errors;
using Aplo.Core.Execution;
using Aplo.Core.Topology;
using Aplo.Core.Validation;

namespace Aplo.Core.Operations;

/// <summary>Device add (LVM setup), delete (teardown), state, tags and resync.</summary>
public sealed class DeviceService(OperationContext context, BrickEvictionService evictions)
{
    public async Task<string> AddAsync(DeviceAddSpec spec, string owner, CancellationToken cancellationToken)
    {
        if (!Rules.IsId(spec.NodeId))
        {
            throw AploException.Invalid("node: must be a node id");
        }

        Rules.DeviceName(spec.Name);
        Rules.Tags(spec.Tags);
        var opId = context.Ids.NewId();
        var (device, host) = await context.Topology.WriteAsync(
            (model, changes) =>
            {
                if (!model.Nodes.TryGetValue(spec.NodeId, out var node) || node.PendingOperationId is not null)
                {
                    throw AploException.NotFound("Node id does not exist");
                }

                foreach (var other in model.DeviceIdsOf(node.Id).Select(d => model.Devices[d]))
                {
                    if (other.Name == spec.Name || other.Paths.Contains(spec.Name))
                    {
                        throw AploException.Conflict($"Device {spec.Name} is already used by device {other.Id} on node {node.Id}");
                    }
                }

                var device = new Device(
                    context.Ids.NewId(), node.Id, spec.Name,
                    new SortedDictionary<string, string>(spec.Tags.ToDictionary(), StringComparer.Ordinal),
                    0, 0, 0, 0, null, [], EntityState.Online, opId);
                changes.Put(device).Put(new PendingOperation(opId, OperationType.DeviceAdd, context.Time.GetUtcNow(), string.Empty, device.Id, []));
                return (device, node.ManageHostname);
            },
            cancellationToken);

        context.Runner.Start(opId, owner, throttled: false, async ct =>
        {
            DeviceSpace space;
            try
            {
                space = await context.Executor.DeviceSetupAsync(host, new DeviceRequest(device.Id, device.Name, spec.DestroyData), ct);
            }
            catch (ExecutorException)
            {
                // The setup may have made the volume group even though it reported a failure (a lost reply).
                string? undoError = null;
                try
                {
                    await UndoSetupAsync(host, device, CancellationToken.None);
                }
                catch (ExecutorException undo)
                {
                    undoError = undo.Message;
                }

                // A volume group that could not be torn down keeps its records, marked failed, for the cleaner;
                // forgetting the device would leave the group behind with nothing pointing at it.
                await context.Topology.WriteAsync(
                    (model, changes) =>
                    {
                        if (undoError is null)
                        {
                            changes.Delete(EntityKind.Device, device.Id).Delete(EntityKind.Operation, opId);
                        }
                        else
                        {
                            changes.Put(model.Operations[opId] with { Status = "failed" });
                        }
                    },
                    CancellationToken.None);
                if (undoError is not null)
                {
                    Log.RollbackIncomplete(context.Logger, opId, undoError);
                }

                throw;
            }

            await context.Topology.WriteAsync(
                (model, changes) => changes
                    .Put(model.Devices[device.Id] with
                    {
                        TotalKiB = space.TotalKiB,
                        FreeKiB = space.FreeKiB,
                        UsedKiB = space.UsedKiB,
                        ExtentKiB = space.ExtentKiB,
                        PvUuid = space.PvUuid,
                        Paths = space.Paths,
                        PendingOperationId = null,
                    })
                    .Delete(EntityKind.Operation, opId),
                CancellationToken.None);
            return OperationOutcome.Completed;
        });
        return opId;
    }

    public async Task<string> DeleteAsync(string id, string owner, CancellationToken cancellationToken)
    {
        var opId = context.Ids.NewId();
        var (device, host) = await context.Topology.WriteAsync(
            (model, changes) =>
            {
                var device = VisibleDevice(model, id);
                BrickEvictionService.CheckNotBeingRemoved(model, device.NodeId, id);
                if (device.State != EntityState.Failed)
                {
                    throw AploException.Invalid($"state: device {id} must be failed (removed) before it is deleted");
                }

                if (model.BrickIdsOnDevice(id).Count > 0)
                {
                    throw AploException.Conflict($"Unable to delete device [{id}] because it contains bricks");
                }

                changes.Put(device with { PendingOperationId = opId })
                    .Put(new PendingOperation(opId, OperationType.DeviceDelete, context.Time.GetUtcNow(), string.Empty, id, []));
                return (device, model.Nodes[device.NodeId].ManageHostname);
            },
            cancellationToken);

        context.Runner.Start(opId, owner, throttled: false, async ct =>
        {
            try
            {
                await context.Executor.DeviceTeardownAsync(host, new DeviceRequest(device.Id, device.Name, false, device.PvUuid), ct);
            }
            catch (ExecutorException)
            {
                // The VG is still there, so the record must stay: Heketi forgetting such devices was a pain point.
                await context.Topology.WriteAsync(
                    (model, changes) => changes.Put(model.Devices[id] with { PendingOperationId = null }).Delete(EntityKind.Operation, opId),
                    CancellationToken.None);
                throw;
            }

            await context.Topology.WriteAsync(
                (_, changes) => changes.Delete(EntityKind.Device, id).Delete(EntityKind.Operation, opId), CancellationToken.None);
            return OperationOutcome.Completed;
        });
        return opId;
    }

    /// <summary>
    /// Sets the state. <c>failed</c> on a device that holds bricks is Heketi's device remove: every brick is moved
    /// to another device first (<see cref="BrickEvictionService"/>), then the device is failed.
    /// </summary>
    public Task<string> SetStateAsync(string id, string? state, string? healCheck, string owner, CancellationToken cancellationToken)
    {
        var target = StateRules.Parse(state);
        return evictions.SetStateAsync(
            OperationType.DeviceRemove, id, target, healCheck, owner,
            (model, changes) =>
            {
                var device = VisibleDevice(model, id);
                StateRules.Check(device.State, target, isNode: false);
                BrickEvictionService.CheckNotBeingRemoved(model, device.NodeId, id);
                if (target == EntityState.Failed && device.State != EntityState.Failed && model.BrickIdsOnDevice(id).Count > 0)
                {
                    return true;
                }

                changes.Put(device with { State = target });
                return false;
            },
            cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, string>> SetTagsAsync(
        string id, IReadOnlyDictionary<string, string> tags, TagChange kind, CancellationToken cancellationToken) =>
        context.Topology.WriteAsync<IReadOnlyDictionary<string, string>>(
            (model, changes) =>
            {
                var device = VisibleDevice(model, id);
                var result = TagRules.Apply(device.Tags, tags, kind);
                changes.Put(device with { Tags = result });
                return result;
            },
            cancellationToken);

    /// <summary>Re-reads the volume group and overwrites the device's sizes with what LVM reports.</summary>
    public string Resync(string id, string owner)
    {
        var (device, host) = context.Topology.Read(model =>
        {
            var device = VisibleDevice(model, id);
            return (device, model.Nodes[device.NodeId].ManageHostname);
        });
        var opId = context.Ids.NewId();
        context.Runner.Start(opId, owner, throttled: false, async ct =>
        {
            var busy = context.Topology.Read(model => model.BrickIdsOnDevice(id).Any(b => model.Bricks[b].PendingOperationId is not null));
            if (busy)
            {
                throw AploException.Conflict("The target exists, contains other items, or is in use.");
            }

            var space = await context.Executor.DeviceInfoAsync(host, new DeviceRequest(device.Id, device.Name, false, device.PvUuid), ct);
            await context.Topology.WriteAsync(
                (model, changes) =>
                {
                    var current = VisibleDevice(model, id);
                    changes.Put(current with { TotalKiB = space.TotalKiB, FreeKiB = space.FreeKiB, UsedKiB = space.UsedKiB, ExtentKiB = space.ExtentKiB });
                },
                ct);
            return OperationOutcome.Completed;
        });
        return opId;
    }

    /// <summary>
    /// Tears down what a device add made, if anything: only a volume group named for this device (vg_&lt;id&gt;)
    /// is ours; a PV of someone else's on the disk, which made the setup fail, is left alone.
    /// </summary>
    public async Task UndoSetupAsync(string host, Device device, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(device);
        var request = new DeviceRequest(device.Id, device.Name, false, device.PvUuid);
        try
        {
            await context.Executor.DeviceInfoAsync(host, request, ct);
        }
        catch (ExecutorException)
        {
            return;
        }

        await context.Executor.DeviceTeardownAsync(host, request, ct);
    }

    public static Device VisibleDevice(TopologyModel model, string id) =>
        model.Devices.TryGetValue(id, out var d) && d.PendingOperationId is null ? d : throw AploException.NotFound();
}
