using System.Text.Json;
using Aplo.Contracts;
using Aplo.Core.Operations;
using Aplo.Core.Topology;
using Aplo.Server.Http;

namespace Aplo.Server.Database;

/// <summary>
/// Writes the store as Heketi's dump. Everything Heketi's format has a field for is filled the way Heketi fills
/// it (empty thin pool and LV names mean the default <c>tp_&lt;id&gt;</c> and <c>brick_&lt;id&gt;</c>), so a dump
/// from Aplo imports into Heketi. Aplo's additions are extra fields Heketi's decoder ignores: the pending marker
/// of nodes and devices, the brick's place in its set, and operations Heketi has no number for (100 and up).
/// </summary>
public static class HeketiDumpExport
{
    /// <summary>Heketi's change kinds (PendingChangeType) that Aplo's operations map to.</summary>
    public const int ChangeUnknown = 0;
    public const int ChangeAddBrick = 1;
    public const int ChangeAddVolume = 2;
    public const int ChangeDeleteBrick = 3;
    public const int ChangeDeleteVolume = 4;
    public const int ChangeExpandVolume = 5;
    public const int ChangeRemoveDevice = 8;

    /// <summary>The db attributes a Heketi server checks for; Aplo's data satisfies each.</summary>
    public static readonly IReadOnlyList<string> Attributes =
        ["DB_BRICK_HAS_SUBTYPE_FIELD", "DB_CLUSTER_HAS_FILE_BLOCK_FLAG", "DB_DEVICE_HAS_ID_META", "DB_HAS_PENDING_OPS_BUCKET"];

    /// <summary>Called under the topology read lock (or on a model nobody else holds).</summary>
    public static HeketiDump Export(TopologyModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new HeketiDump
        {
            Clusters = Map(model.Clusters.Values, c => c.Id, c => Cluster(model, c)),
            Volumes = Map(model.Volumes.Values, v => v.Id, v => Volume(model, v)),
            Bricks = Map(model.Bricks.Values, b => b.Id, Brick),
            Nodes = Map(model.Nodes.Values, n => n.Id, n => Node(model, n)),
            Devices = Map(model.Devices.Values, d => d.Id, d => Device(model, d)),
            BlockVolumes = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal),
            DbAttributes = Map(Attributes, k => k, k => new DumpDbAttributeEntry { Key = k, Value = "yes" }),
            PendingOperations = Map(model.Operations.Values, o => o.Id, Operation),
        };
    }

    // Sorted by id, as Go writes maps, so two exports of one store are byte for byte the same.
    private static SortedDictionary<string, TEntry> Map<T, TEntry>(IEnumerable<T> items, Func<T, string> id, Func<T, TEntry> entry)
    {
        var map = new SortedDictionary<string, TEntry>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            map[id(item)] = entry(item);
        }

        return map;
    }

    private static DumpClusterEntry Cluster(TopologyModel model, Cluster c) => new()
    {
        Info = new ClusterInfoResponse
        {
            Id = c.Id,
            Nodes = [.. model.NodeIdsOf(c.Id)],
            Volumes = [.. model.VolumeIdsOf(c.Id)],
            Block = c.Block,
            File = c.File,
        },
    };

    private static DumpNodeEntry Node(TopologyModel model, Node n) => new()
    {
        State = StateRules.ToWire(n.State),
        Info = new DumpNodeInfo
        {
            Zone = n.Zone,
            Hostnames = new HostAddresses { Manage = n.ManageHostnames, Storage = n.StorageHostnames },
            ClusterId = n.ClusterId,
            Tags = n.Tags.Count == 0 ? null : n.Tags,
            Id = n.Id,
        },
        Devices = [.. model.DeviceIdsOf(n.Id)],
        Pending = n.PendingOperationId is null ? null : new DumpPendingItem { Id = n.PendingOperationId },
    };

    private static DumpDeviceEntry Device(TopologyModel model, Device d) => new()
    {
        State = StateRules.ToWire(d.State),
        Info = new DumpDeviceInfo
        {
            Name = d.Name,
            Tags = d.Tags.Count == 0 ? null : d.Tags,
            Storage = new StorageSize { Total = d.TotalKiB, Free = d.FreeKiB, Used = d.UsedKiB },
            Id = d.Id,
            Paths = d.Paths.Count == 0 ? null : d.Paths,
            PvUuid = d.PvUuid,
        },
        Bricks = [.. model.BrickIdsOnDevice(d.Id)],
        NodeId = d.NodeId,
        ExtentSize = d.ExtentKiB,
        Pending = d.PendingOperationId is null ? null : new DumpPendingItem { Id = d.PendingOperationId },
    };

    private static DumpBrickEntry Brick(Brick b) => new()
    {
        Info = TopologyViews.Brick(b),
        TpSize = b.ThinPoolKiB,
        PoolMetadataSize = b.PoolMetadataKiB,
        Pending = new DumpPendingItem { Id = b.PendingOperationId ?? string.Empty },
        LvmThinPool = string.Empty,
        LvmLv = string.Empty,
        SubType = b.Role == BrickRole.Arbiter ? 2 : 1,
        SetIndex = b.SetIndex,
        Position = b.Position,
    };

    private static DumpVolumeEntry Volume(TopologyModel model, Volume v)
    {
        // The API's view already says durability as requested, snapshot and mount as Heketi stores them.
        var view = TopologyViews.Volume(model, v);
        return new DumpVolumeEntry
        {
            Info = new DumpVolumeInfo
            {
                Size = v.SizeGiB,
                Name = v.Name,
                Durability = view.Durability,
                Gid = v.Gid,
                Snapshot = view.Snapshot,
                Id = v.Id,
                Cluster = v.ClusterId,
                Mount = view.Mount,
            },
            Bricks = [.. model.BrickIdsOf(v.Id).Order(StringComparer.Ordinal)],
            GlusterVolumeOptions = v.Options,
            Pending = new DumpPendingItem { Id = v.PendingOperationId ?? string.Empty },
        };
    }

    private static DumpPendingOperationEntry Operation(PendingOperation op)
    {
        var actions = new List<DumpPendingAction>();
        var (target, brick) = op.Type switch
        {
            OperationType.VolumeCreate => (ChangeAddVolume, ChangeAddBrick),
            OperationType.VolumeDelete => (ChangeDeleteVolume, ChangeDeleteBrick),
            OperationType.VolumeExpand => (ChangeExpandVolume, ChangeAddBrick),
            OperationType.BrickEvict => (ChangeDeleteBrick, ChangeAddBrick),
            OperationType.DeviceRemove => (ChangeRemoveDevice, ChangeUnknown),
            _ => (ChangeUnknown, ChangeUnknown),
        };
        actions.Add(new DumpPendingAction
        {
            Change = target,
            Id = op.TargetId,
            Delta = op.Type == OperationType.VolumeExpand ? JsonSerializer.SerializeToElement(op.DeltaGiB, HeketiDumpJsonContext.Default.Int64) : null,
        });
        actions.AddRange(op.BrickIds.Select(b => new DumpPendingAction { Change = brick, Id = b }));
        return new DumpPendingOperationEntry
        {
            Id = op.Id,
            Timestamp = op.Started.ToUnixTimeSeconds(),
            Type = (int)op.Type,
            Actions = actions,
            Status = op.Status,
        };
    }
}
