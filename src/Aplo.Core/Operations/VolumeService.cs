using System.Globalization;
using Aplo.Core.Allocation;
using Aplo.Core.Errors;
using Aplo.Core.Execution;
using Aplo.Core.Topology;
using Aplo.Core.Validation;

namespace Aplo.Core.Operations;

/// <summary>
/// Volume create, expand and delete, each as build (one store transaction: placement, pending records, space
/// charged) → exec (node commands) → finalize or rollback (one store transaction).
/// </summary>
public sealed class VolumeService(OperationContext context)
{
    public const string DbStorageVolume = "heketidbstorage";
    public const string ArbiterOption = "user.heketi.arbiter";
    public const string AverageFileSizeOption = "user.heketi.average-file-size";
    public const string ZoneCheckingOption = "user.heketi.zone-checking";

    private readonly BrickAllocator allocator = new(context.Settings.Limits);

    /// <summary>Validates and places the volume, then starts creating it. Returns the queue id.</summary>
    public async Task<string> CreateAsync(VolumeCreateSpec spec, string owner, CancellationToken cancellationToken)
    {
        var plan = Plan(spec);
        context.Runner.Admit();
        var opId = context.Ids.NewId();
        (Volume Volume, List<Brick> Bricks) built;
        try
        {
            built = await context.Topology.WriteAsync((model, changes) => Build(model, changes, spec, plan, owner, opId), cancellationToken);
        }
        catch
        {
            context.Runner.Throttle.Exit();
            throw;
        }

        context.Runner.Start(opId, owner, throttled: true, ct => CreateExecAsync(opId, built.Volume, built.Bricks, ct));
        return opId;
    }

    public async Task<string> ExpandAsync(string id, long expandGiB, string owner, CancellationToken cancellationToken)
    {
        if (expandGiB < 1 || expandGiB > Rules.MaxVolumeSizeGiB)
        {
            throw AploException.Invalid($"expand_size: must be between 1 and {Rules.MaxVolumeSizeGiB} GiB");
        }

        context.Runner.Admit();
        var opId = context.Ids.NewId();
        (Volume Volume, List<Brick> Bricks) built;
        try
        {
            built = await context.Topology.WriteAsync(
                (model, changes) =>
                {
                    var volume = VisibleVolume(model, id);
                    if (volume.PendingOperationId is not null)
                    {
                        throw AploException.Conflict($"Volume {id} is busy with another operation");
                    }

                    var existing = model.BrickIdsOf(id).Select(b => model.Bricks[b]).ToList();
                    var request = new PlacementRequest(
                        expandGiB * Units.GiB,
                        volume.Durability,
                        volume.SnapshotFactor,
                        existing.Count,
                        existing.Count == 0 ? 0 : existing.Max(b => b.SetIndex) + 1,
                        StrictZones(volume.Options),
                        DeviceTagMatch(volume.Options));
                    var plans = AllocateIn(model, volume.ClusterId, request, "Failed to allocate new volume expansion: ");
                    var bricks = Charge(model, changes, volume, plans, opId);
                    changes.Put(volume with { PendingOperationId = opId })
                        .Put(new PendingOperation(opId, OperationType.VolumeExpand, context.Time.GetUtcNow(), string.Empty, id, [.. bricks.Select(b => b.Id)], expandGiB));
                    return (volume, bricks);
                },
                cancellationToken);
        }
        catch
        {
            context.Runner.Throttle.Exit();
            throw;
        }

        context.Runner.Start(opId, owner, throttled: true, ct => ExpandExecAsync(opId, built.Volume, built.Bricks, expandGiB, ct));
        return opId;
    }

    public async Task<string> DeleteAsync(string id, string owner, CancellationToken cancellationToken)
    {
        context.Runner.Admit();
        var opId = context.Ids.NewId();
        Volume volume;
        try
        {
            volume = await context.Topology.WriteAsync(
                (model, changes) =>
                {
                    var volume = VisibleVolume(model, id);
                    if (volume.Name == DbStorageVolume)
                    {
                        throw AploException.Conflict($"Volume {DbStorageVolume} holds the database of a Heketi deployment and cannot be deleted");
                    }

                    if (volume.PendingOperationId is not null)
                    {
                        throw AploException.Conflict($"Volume {id} is busy with another operation");
                    }

                    changes.Put(volume with { PendingOperationId = opId })
                        .Put(new PendingOperation(opId, OperationType.VolumeDelete, context.Time.GetUtcNow(), string.Empty, id, [.. model.BrickIdsOf(id)]));
                    return volume;
                },
                cancellationToken);
        }
        catch
        {
            context.Runner.Throttle.Exit();
            throw;
        }

        context.Runner.Start(opId, owner, throttled: true, ct => DeleteExecAsync(opId, volume, ct));
        return opId;
    }

    /// <summary>A volume that exists and is not being created or deleted.</summary>
    public static Volume VisibleVolume(TopologyModel model, string id)
    {
        if (model.Volumes.TryGetValue(id, out var v) && IsVisible(model, v))
        {
            return v;
        }

        throw AploException.NotFound();
    }

    /// <summary>
    /// Volumes being created or deleted are hidden, as Heketi hides pending entries; one being expanded or having
    /// a brick moved stays visible.
    /// </summary>
    public static bool IsVisible(TopologyModel model, Volume volume) =>
        volume.PendingOperationId is null
        || !model.Operations.TryGetValue(volume.PendingOperationId, out var op)
        || op.Type is OperationType.VolumeExpand or OperationType.BrickEvict;

    private sealed record CreatePlan(Durability Durability, List<string> Options, float SnapshotFactor, bool StrictZones, long AverageFileKiB, TagMatch? TagMatch);

    private CreatePlan Plan(VolumeCreateSpec spec)
    {
        if (spec.SizeGiB < 1 || spec.SizeGiB > Rules.MaxVolumeSizeGiB)
        {
            throw AploException.Invalid($"size: must be between 1 and {Rules.MaxVolumeSizeGiB} GiB");
        }

        if (spec.Name is not null)
        {
            Rules.VolumeName(spec.Name);
        }

        if (spec.Gid is < 0 or >= int.MaxValue)
        {
            throw AploException.Invalid("gid: must be between 0 and 2147483646");
        }

        if (spec.Block)
        {
            throw AploException.Invalid("block: block-hosting volumes are not supported");
        }

        foreach (var id in spec.Clusters)
        {
            if (!Rules.IsId(id))
            {
                throw AploException.Invalid($"clusters: '{id}' is not a cluster id");
            }
        }

        var factor = spec.SnapshotFactor;
        if (spec.SnapshotEnable)
        {
            factor = factor == 0 ? 1.5f : factor;
            if (factor is < 1 or > 100 || float.IsNaN(factor))
            {
                throw AploException.Invalid("snapshot.factor: must be between 1 and 100");
            }
        }
        else
        {
            factor = 1;
        }

        // Stored options are pre + request + post, each list split on commas as Heketi does (empties kept for the echo).
        var options = new List<string>();
        options.AddRange(context.Settings.PreRequestVolumeOptions.Split(','));
        options.AddRange(spec.Options);
        options.AddRange(context.Settings.PostRequestVolumeOptions.Split(','));
        var parsed = options.Select(Rules.VolumeOption).OfType<KeyValuePair<string, string>>().ToList();

        var arbiter = parsed.Any(o => o.Key == ArbiterOption && o.Value.Equals("true", StringComparison.OrdinalIgnoreCase));
        var durability = ParseDurability(spec.Durability, arbiter);
        var average = context.Settings.Limits.AverageFileSizeKiB;
        if (parsed.LastOrDefault(o => o.Key == AverageFileSizeOption) is { Key: not null } avg)
        {
            if (!long.TryParse(avg.Value, NumberStyles.None, CultureInfo.InvariantCulture, out average) || average < 1)
            {
                throw AploException.Invalid($"glustervolumeoptions: {AverageFileSizeOption} must be a positive number of KiB");
            }
        }

        if (durability.Arbiter && average > spec.SizeGiB * Units.GiB)
        {
            throw AploException.Invalid($"glustervolumeoptions: the average file size ({average} KiB) is larger than the volume");
        }

        if (durability.Type == DurabilityType.Disperse && spec.SizeGiB * Units.GiB < durability.Data * context.Settings.Limits.BrickMinKiB)
        {
            throw AploException.Invalid(
                $"size: a disperse {durability.Data}+{durability.Redundancy} volume needs at least {durability.Data} GiB");
        }

        return new CreatePlan(durability, options, factor, StrictZones(options), average, DeviceTagMatch(options));
    }

    /// <summary>The effective durability of a request, by the rules every create (and a dump import) follows.</summary>
    public static Durability ParseDurability(RequestedDurability requested, bool arbiter)
    {
        var durability = requested.Type switch
        {
            null or "" or "none" => Durability.Distribute,
            "replicate" => requested.Replica switch
            {
                0 => new Durability(DurabilityType.Replicate, 2, 0, 0, false),
                >= 1 and <= 3 => new Durability(DurabilityType.Replicate, requested.Replica, 0, 0, false),
                _ => throw AploException.Invalid("durability.replicate.replica: must be between 1 and 3"),
            },
            "disperse" => (requested.Data, requested.Redundancy) switch
            {
                (2, 1) or (4, 2) or (8, 3) or (8, 4) => new Durability(DurabilityType.Disperse, 0, requested.Data, requested.Redundancy, false),
                _ => throw AploException.Invalid("durability.disperse: data+redundancy must be one of 2+1, 4+2, 8+3, 8+4"),
            },
            _ => throw AploException.Invalid($"durability.type: '{requested.Type}' is not one of none, replicate, disperse"),
        };

        if (arbiter)
        {
            if (durability is not { Type: DurabilityType.Replicate, Replica: 3 })
            {
                throw AploException.Invalid($"glustervolumeoptions: {ArbiterOption} needs a replica 3 volume");
            }

            durability = durability with { Arbiter = true };
        }

        return durability;
    }

    /// <summary>The last <c>user.heketi.device-tag-match</c> option, if any.</summary>
    internal static TagMatch? DeviceTagMatch(IEnumerable<string> options) =>
        options.Select(Rules.VolumeOption).OfType<KeyValuePair<string, string>>()
            .Where(o => o.Key == TagMatch.Option)
            .Select(o => TagMatch.Parse(o.Value))
            .LastOrDefault();

    internal bool StrictZones(IEnumerable<string> options)
    {
        var strict = context.Settings.StrictZoneChecking;
        foreach (var option in options.Select(Rules.VolumeOption).OfType<KeyValuePair<string, string>>())
        {
            if (option.Key == ZoneCheckingOption)
            {
                strict = option.Value switch
                {
                    "strict" => true,
                    "none" => false,
                    _ => throw AploException.Invalid($"glustervolumeoptions: {ZoneCheckingOption} must be strict or none"),
                };
            }
        }

        return strict;
    }

    private (Volume, List<Brick>) Build(TopologyModel model, ChangeSet changes, VolumeCreateSpec spec, CreatePlan plan, string owner, string opId)
    {
        if (model.Clusters.Count == 0)
        {
            throw new AploException(ErrorKind.Validation, "No clusters configured");
        }

        var candidates = spec.Clusters.Count > 0 ? spec.Clusters : [.. model.Clusters.Keys];
        foreach (var id in spec.Clusters)
        {
            if (!model.Clusters.ContainsKey(id))
            {
                throw new AploException(ErrorKind.Validation, $"Cluster id {id} not found");
            }
        }

        var volumeId = context.Ids.NewId();
        var name = spec.Name ?? "vol_" + volumeId;
        var request = new PlacementRequest(
            spec.SizeGiB * Units.GiB, plan.Durability, plan.SnapshotFactor, StrictZones: plan.StrictZones, DeviceTagMatch: plan.TagMatch);
        var allocator = new BrickAllocator(context.Settings.Limits with { AverageFileSizeKiB = plan.AverageFileKiB });
        var reasons = new List<string>();

        // Beyond Heketi's first fit: of the clusters that can take the volume, use the one with the most free
        // space, so clusters fill evenly and no single cluster runs out while others sit empty.
        (string ClusterId, IReadOnlyList<BrickPlan> Plans, long Free)? chosen = null;
        foreach (var clusterId in candidates)
        {
            var cluster = model.Clusters[clusterId];
            string? refusal = null;
            if (!cluster.File)
            {
                refusal = "does not allow file volumes";
            }
            else if (model.VolumeByName(clusterId, name) is not null)
            {
                refusal = $"Volume name '{name}' already in use";
            }
            else if (context.Settings.MaxVolumesPerCluster >= 0 && model.VolumeIdsOf(clusterId).Count >= MaxVolumes())
            {
                refusal = $"has reached the limit of {MaxVolumes()} volumes";
            }

            if (refusal is not null)
            {
                reasons.Add(refusal);
                continue;
            }

            var devices = Candidates(model, clusterId);
            try
            {
                var plans = allocator.Allocate(devices, request);
                var free = devices.Sum(d => d.FreeKiB);
                reasons.Add("ok");
                if (chosen is null || free > chosen.Value.Free)
                {
                    chosen = (clusterId, plans, free);
                }
            }
            catch (AploException ex) when (ex.Kind == ErrorKind.NoSpace)
            {
                reasons.Add(ex.Message);
            }
        }

        if (chosen is { } c)
        {
            var volume = new Volume(
                volumeId, c.ClusterId, name, spec.SizeGiB, plan.Durability, spec.Durability, spec.Gid, plan.Options,
                spec.SnapshotEnable, plan.SnapshotFactor, owner, opId);
            changes.Put(volume);
            var bricks = Charge(model, changes, volume, c.Plans, opId);
            changes.Put(new PendingOperation(opId, OperationType.VolumeCreate, context.Time.GetUtcNow(), string.Empty, volumeId, [.. bricks.Select(b => b.Id)], Owner: owner));
            return (volume, bricks);
        }

        if (candidates.Count == 1 && reasons.Count == 1 && !reasons[0].StartsWith("No space", StringComparison.Ordinal))
        {
            throw AploException.Conflict(reasons[0]);
        }

        var detail = candidates.Count == 1 ? reasons[0] : "No space: no eligible cluster; " + string.Join("; ", candidates.Zip(reasons, (c, r) => $"cluster {c}: {r}"));
        throw new AploException(ErrorKind.NoSpace, "Failed to allocate new volume: " + detail);
    }

    private int MaxVolumes() => context.Settings.MaxVolumesPerCluster == 0 ? 1000 : context.Settings.MaxVolumesPerCluster;

    private List<Brick> Charge(TopologyModel model, ChangeSet changes, Volume volume, IReadOnlyList<BrickPlan> plans, string opId)
    {
        var bricks = new List<Brick>(plans.Count);
        var charged = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var p in plans)
        {
            var brickId = context.Ids.NewId();
            var brick = new Brick(
                brickId, volume.Id, p.DeviceId, p.NodeId, Brick.PathFor(context.Settings.MountRoot, p.DeviceId, brickId),
                p.SizeKiB, p.ThinPoolKiB, p.PoolMetadataKiB, p.Role, p.SetIndex, p.Position, opId);
            bricks.Add(brick);
            changes.Put(brick);
            charged[p.DeviceId] = charged.GetValueOrDefault(p.DeviceId) + p.ChargedKiB;
        }

        foreach (var (deviceId, kib) in charged)
        {
            var d = model.Devices[deviceId];
            changes.Put(d with { FreeKiB = d.FreeKiB - kib, UsedKiB = d.UsedKiB + kib });
        }

        return bricks;
    }

    private IReadOnlyList<BrickPlan> AllocateIn(TopologyModel model, string clusterId, PlacementRequest request, string prefix)
    {
        try
        {
            return allocator.Allocate(Candidates(model, clusterId), request);
        }
        catch (AploException ex) when (ex.Kind == ErrorKind.NoSpace)
        {
            throw new AploException(ErrorKind.NoSpace, prefix + ex.Message);
        }
    }

    /// <summary>Online devices on online nodes, neither being added or removed.</summary>
    internal static List<CandidateDevice> Candidates(TopologyModel model, string clusterId)
    {
        var result = new List<CandidateDevice>();
        foreach (var nodeId in model.NodeIdsOf(clusterId))
        {
            var node = model.Nodes[nodeId];
            if (node.State != EntityState.Online || node.PendingOperationId is not null)
            {
                continue;
            }

            foreach (var deviceId in model.DeviceIdsOf(nodeId))
            {
                var d = model.Devices[deviceId];
                if (d.State == EntityState.Online && d.PendingOperationId is null)
                {
                    result.Add(new CandidateDevice(d.Id, node.Id, node.Zone, d.FreeKiB, d.ExtentKiB, MergedTags(node, d)));
                }
            }
        }

        return result;
    }

    /// <summary>Node tags overridden by the device's own, as Heketi merges them for placement.</summary>
    private static IReadOnlyDictionary<string, string>? MergedTags(Node node, Device device)
    {
        if (node.Tags.Count == 0)
        {
            return device.Tags.Count == 0 ? null : device.Tags;
        }

        if (device.Tags.Count == 0)
        {
            return node.Tags;
        }

        var merged = new Dictionary<string, string>(node.Tags.ToDictionary(), StringComparer.Ordinal);
        foreach (var (k, v) in device.Tags)
        {
            merged[k] = v;
        }

        return merged;
    }

    private async Task<OperationOutcome> CreateExecAsync(string opId, Volume volume, List<Brick> bricks, CancellationToken ct)
    {
        var targets = context.Topology.Read(model => Targets(model, volume, bricks));
        try
        {
            await CreateBricksAsync(targets, bricks, ct);
            await context.Executor.VolumeCreateAsync(targets.Hosts[bricks[0].NodeId], VolumeRequestFor(volume, bricks, targets), ct);
        }
        catch (Exception ex) when (ex is ExecutorException or AploException or OperationCanceledException)
        {
            await RollBackCreateAsync(opId, volume, bricks, targets);
            throw;
        }

        await context.Topology.WriteAsync(
            (model, changes) =>
            {
                changes.Put(model.Volumes[volume.Id] with { PendingOperationId = null });
                foreach (var b in bricks)
                {
                    changes.Put(model.Bricks[b.Id] with { PendingOperationId = null });
                }

                changes.Delete(EntityKind.Operation, opId);
            },
            CancellationToken.None);
        Log.VolumeCreated(context.Logger, volume.Name, volume.Id, bricks.Count);
        return new OperationOutcome.Created("/volumes/" + volume.Id);
    }

    /// <summary>
    /// Destroys what a create may have made and, if all of it is gone, forgets the volume and frees its space.
    /// Every brick is destroyed, not only those whose create returned: a command can succeed on the node and
    /// still fail to report back (a dropped connection), and destroying what is not there is a no-op.
    /// </summary>
    private async Task<bool> RollBackCreateAsync(string opId, Volume volume, List<Brick> bricks, ExecTargets targets)
    {
        var glusterHasIt = await GlusterHasOursAsync(volume, bricks, targets, CancellationToken.None);
        var undone = await UndoAsync(targets, glusterHasIt ? volume : null, bricks, ct: CancellationToken.None);
        await context.Topology.WriteAsync(
            (model, changes) =>
            {
                if (undone is null)
                {
                    changes.Delete(EntityKind.Volume, volume.Id);
                    Release(model, changes, bricks);
                    changes.Delete(EntityKind.Operation, opId);
                }
                else
                {
                    // Something could not be removed: keep it all recorded (and charged) for the cleaner.
                    changes.Put(model.Operations[opId] with { Status = "failed" });
                }
            },
            CancellationToken.None);
        if (undone is not null)
        {
            Log.RollbackIncomplete(context.Logger, opId, undone);
        }

        return undone is null;
    }

    /// <summary>
    /// Finishes a volume operation that a crash interrupted. A create is rolled back (everything it may have
    /// made is destroyed; destroying what is not there is a no-op). A delete is completed. An expansion is
    /// completed if Gluster already has its bricks, and rolled back otherwise.
    /// </summary>
    public async Task<OperationOutcome?> RecoverAsync(PendingOperation op, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(op);
        var (volume, bricks) = context.Topology.Read(model =>
            (model.Volumes.GetValueOrDefault(op.TargetId), op.BrickIds.Where(model.Bricks.ContainsKey).Select(b => model.Bricks[b]).ToList()));
        if (volume is null)
        {
            await context.Topology.WriteAsync((_, changes) => changes.Delete(EntityKind.Operation, op.Id), ct);
            return Interrupted("there was nothing left to undo");
        }

        var targets = context.Topology.Read(model => Targets(model, volume, bricks));
        switch (op.Type)
        {
            case OperationType.VolumeCreate:
                if (bricks.Count == 0)
                {
                    await context.Topology.WriteAsync((_, changes) => changes.Delete(EntityKind.Volume, volume.Id).Delete(EntityKind.Operation, op.Id), ct);
                    return Interrupted("the volume was not created");
                }

                return await RollBackCreateAsync(op.Id, volume, bricks, targets)
                    ? Interrupted("the volume was not created and what was made is removed")
                    : null;
            case OperationType.VolumeDelete:
                return await DeleteExecAsync(op.Id, volume, ct);
            case OperationType.VolumeExpand:
                return await SettleExpandAsync(op.Id, volume, bricks, targets, op.DeltaGiB, ct) switch
                {
                    ExpandEnd.Completed => new OperationOutcome.Created("/volumes/" + volume.Id),
                    ExpandEnd.RolledBack => Interrupted("the expansion was rolled back"),
                    _ => null,
                };
            default:
                return null;
        }
    }

    /// <summary>The queue's answer for an operation the server did not finish before it stopped.</summary>
    public static OperationOutcome Interrupted(string what) =>
        new OperationOutcome.Failed("The server stopped before the operation finished; " + what);

    private async Task<OperationOutcome> ExpandExecAsync(string opId, Volume volume, List<Brick> bricks, long expandGiB, CancellationToken ct)
    {
        var targets = context.Topology.Read(model => Targets(model, volume, bricks));
        try
        {
            await CreateBricksAsync(targets, bricks, ct);
            var host = context.Topology.Read(model => ManageHosts(model, volume.ClusterId).First());
            await context.Executor.VolumeExpandAsync(host, VolumeRequestFor(volume, bricks, targets), ct);
        }
        catch (Exception ex) when (ex is ExecutorException or AploException or OperationCanceledException)
        {
            // The add-brick may have happened even though its reply was lost: then the expansion is done.
            if (await SettleExpandAsync(opId, volume, bricks, targets, expandGiB, CancellationToken.None) == ExpandEnd.Completed)
            {
                return new OperationOutcome.Created("/volumes/" + volume.Id);
            }

            throw;
        }

        await FinishExpandAsync(opId, volume, bricks, expandGiB, CancellationToken.None);
        return new OperationOutcome.Created("/volumes/" + volume.Id);
    }

    private enum ExpandEnd
    {
        Completed,
        RolledBack,
        Failed,
    }

    /// <summary>
    /// Ends an expansion that did not finish normally, by what Gluster holds: if the volume has every new brick
    /// the expansion is completed; if it has none, the new bricks are destroyed and their space freed; if it has
    /// some, or Gluster cannot be asked, the operation is marked failed with its records kept for the cleaner.
    /// </summary>
    private async Task<ExpandEnd> SettleExpandAsync(string opId, Volume volume, List<Brick> bricks, ExecTargets targets, long expandGiB, CancellationToken ct)
    {
        var present = await GlusterBricksAsync(volume, ct);
        var ours = bricks.Select(b => $"{targets.StorageHosts[b.NodeId]}:{b.Path}").ToList();
        var added = present is null ? -1 : ours.Count(present.Contains);
        if (added == ours.Count)
        {
            await FinishExpandAsync(opId, volume, bricks, expandGiB, ct);
            return ExpandEnd.Completed;
        }

        var undone = added == 0 ? await UndoAsync(targets, null, bricks, ct) : "Gluster " + (added < 0 ? "could not be asked which bricks the volume has" : $"has {added} of the {ours.Count} new bricks");
        await context.Topology.WriteAsync(
            (model, changes) =>
            {
                if (undone is null)
                {
                    Release(model, changes, bricks);
                    changes.Put(model.Volumes[volume.Id] with { PendingOperationId = null }).Delete(EntityKind.Operation, opId);
                }
                else
                {
                    changes.Put(model.Operations[opId] with { Status = "failed" });
                }
            },
            CancellationToken.None);
        if (undone is not null)
        {
            Log.RollbackIncomplete(context.Logger, opId, undone);
        }

        return undone is null ? ExpandEnd.RolledBack : ExpandEnd.Failed;
    }

    private Task FinishExpandAsync(string opId, Volume volume, List<Brick> bricks, long expandGiB, CancellationToken ct) =>
        context.Topology.WriteAsync(
            (model, changes) =>
            {
                var current = model.Volumes[volume.Id];
                changes.Put(current with { SizeGiB = current.SizeGiB + expandGiB, PendingOperationId = null });
                foreach (var b in bricks)
                {
                    changes.Put(model.Bricks[b.Id] with { PendingOperationId = null });
                }

                changes.Delete(EntityKind.Operation, opId);
            },
            ct);

    /// <summary>The volume's bricks as Gluster lists them (empty if it has no such volume), or null if no node answered.</summary>
    internal async Task<IReadOnlyList<string>?> GlusterBricksAsync(Volume volume, CancellationToken ct)
    {
        var hosts = context.Topology.Read(model => ManageHosts(model, volume.ClusterId).ToList());
        foreach (var host in hosts)
        {
            try
            {
                return await context.Executor.VolumeBricksAsync(host, volume.Name, ct) ?? [];
            }
            catch (ExecutorException)
            {
            }
        }

        return null;
    }

    /// <summary>
    /// Whether Gluster has a volume of this name made of this create's bricks. A volume of the same name with
    /// other bricks is someone else's and must survive the rollback; if no node answers, a destroy is tried.
    /// </summary>
    private async Task<bool> GlusterHasOursAsync(Volume volume, List<Brick> bricks, ExecTargets targets, CancellationToken ct)
    {
        var present = await GlusterBricksAsync(volume, ct);
        if (present is null)
        {
            return true;
        }

        var ours = bricks.Select(b => $"{targets.StorageHosts[b.NodeId]}:{b.Path}").ToHashSet(StringComparer.Ordinal);
        return present.Count > 0 && present.All(ours.Contains);
    }

    private async Task<OperationOutcome> DeleteExecAsync(string opId, Volume volume, CancellationToken ct)
    {
        var (bricks, targets, hosts) = context.Topology.Read(model =>
        {
            var bricks = model.BrickIdsOf(volume.Id).Select(b => model.Bricks[b]).ToList();
            return (bricks, Targets(model, volume, bricks), ManageHosts(model, volume.ClusterId).ToList());
        });

        ExecutorException? lastError = null;
        var destroyed = false;
        foreach (var host in hosts)
        {
            try
            {
                await context.Executor.VolumeDestroyAsync(host, volume.Name, ct);
                destroyed = true;
                break;
            }
            catch (ExecutorException ex)
            {
                lastError = ex;
            }
        }

        if (!destroyed)
        {
            // The Gluster volume is intact: give the volume back to its users rather than half-delete it.
            await context.Topology.WriteAsync(
                (model, changes) => changes.Put(model.Volumes[volume.Id] with { PendingOperationId = null }).Delete(EntityKind.Operation, opId),
                CancellationToken.None);
            throw lastError ?? new ExecutorException("No node of the cluster is available to delete the volume");
        }

        var gone = new List<Brick>();
        var undone = await UndoAsync(targets, null, bricks, CancellationToken.None, gone);
        await context.Topology.WriteAsync(
            (model, changes) =>
            {
                Release(model, changes, gone);
                if (undone is null)
                {
                    changes.Delete(EntityKind.Volume, volume.Id).Delete(EntityKind.Operation, opId);
                }
                else
                {
                    changes.Put(model.Operations[opId] with { Status = "failed" });
                }
            },
            CancellationToken.None);
        if (undone is not null)
        {
            throw new ExecutorException($"Volume {volume.Name} was deleted but some bricks could not be removed: {undone}");
        }

        Log.VolumeDeleted(context.Logger, volume.Name, volume.Id);
        return OperationOutcome.Completed;
    }

    internal sealed record ExecTargets(Dictionary<string, string> Hosts, Dictionary<string, string> StorageHosts, Dictionary<string, Device> Devices, long Gid);

    internal static ExecTargets Targets(TopologyModel model, Volume volume, IEnumerable<Brick> bricks)
    {
        var hosts = new Dictionary<string, string>(StringComparer.Ordinal);
        var storage = new Dictionary<string, string>(StringComparer.Ordinal);
        var devices = new Dictionary<string, Device>(StringComparer.Ordinal);
        foreach (var b in bricks)
        {
            var node = model.Nodes[b.NodeId];
            hosts[node.Id] = node.ManageHostname;
            storage[node.Id] = node.StorageHostname;
            devices[b.DeviceId] = model.Devices[b.DeviceId];
        }

        return new ExecTargets(hosts, storage, devices, volume.Gid);
    }

    internal static IEnumerable<string> ManageHosts(TopologyModel model, string clusterId) =>
        model.NodeIdsOf(clusterId)
            .Select(id => model.Nodes[id])
            .Where(n => n.State == EntityState.Online && n.PendingOperationId is null)
            .Select(n => n.ManageHostname);

    private static VolumeRequest VolumeRequestFor(Volume volume, List<Brick> bricks, ExecTargets targets)
    {
        var options = volume.Options.Select(Rules.VolumeOption).OfType<KeyValuePair<string, string>>().ToList();
        options.Add(new("user.heketi.id", volume.Id));
        return new VolumeRequest(
            volume.Name,
            volume.Durability,
            [.. bricks.OrderBy(b => b.SetIndex).ThenBy(b => b.Position).Select(b => new BrickAddress(targets.StorageHosts[b.NodeId], b.Path))],
            options);
    }

    /// <summary>Creates the bricks on their nodes in parallel, and waits for every one to end before it throws.</summary>
    internal async Task CreateBricksAsync(ExecTargets targets, List<Brick> bricks, CancellationToken ct)
    {
        var tasks = bricks.Select(b =>
            context.Executor.BrickCreateAsync(targets.Hosts[b.NodeId], BrickRequest.From(b, targets.Devices[b.DeviceId], targets.Gid), ct)).ToList();
        try
        {
            await Task.WhenAll(tasks);
        }
        catch
        {
            // Surface the first node's error; the rest are in the log via the tasks.
            throw tasks.Select(t => t.Exception?.InnerException).OfType<Exception>().First();
        }
    }

    /// <summary>Destroys what exists. Returns null when all of it is gone, else what was left.</summary>
    internal async Task<string?> UndoAsync(ExecTargets targets, Volume? volume, List<Brick> bricks, CancellationToken ct, List<Brick>? gone = null)
    {
        var problems = new List<string>();
        if (volume is not null)
        {
            try
            {
                await context.Executor.VolumeDestroyAsync(targets.Hosts[bricks[0].NodeId], volume.Name, ct);
            }
            catch (ExecutorException ex)
            {
                problems.Add(ex.Message);
            }
        }

        await Task.WhenAll(bricks.Select(async b =>
        {
            try
            {
                await context.Executor.BrickDestroyAsync(targets.Hosts[b.NodeId], BrickRequest.From(b, targets.Devices[b.DeviceId], targets.Gid), ct);
                if (gone is not null)
                {
                    lock (gone)
                    {
                        gone.Add(b);
                    }
                }
            }
            catch (ExecutorException ex)
            {
                lock (problems)
                {
                    problems.Add(ex.Message);
                }
            }
        }));
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    /// <summary>Removes the bricks' records and gives their space back to the devices.</summary>
    internal static void Release(TopologyModel model, ChangeSet changes, IEnumerable<Brick> bricks)
    {
        var freed = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var b in bricks)
        {
            changes.Delete(EntityKind.Brick, b.Id);
            freed[b.DeviceId] = freed.GetValueOrDefault(b.DeviceId) + b.ChargedKiB;
        }

        foreach (var (deviceId, kib) in freed)
        {
            if (model.Devices.TryGetValue(deviceId, out var d))
            {
                changes.Put(d with { FreeKiB = d.FreeKiB + kib, UsedKiB = d.UsedKiB - kib });
            }
        }
    }
}
