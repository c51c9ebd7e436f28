using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aplo.Contracts;
using Aplo.Core.Allocation;
using Aplo.Core.Database;
using Aplo.Core.Errors;
using Aplo.Core.Operations;
using Aplo.Core.Topology;
using Aplo.Core.Validation;

namespace Aplo.Server.Database;

/// <summary>What an import produced: every entity to write, and what the operator should know about.</summary>
public sealed record DumpImportResult(TopologyModel Model, ChangeSet Changes, IReadOnlyList<string> Warnings);

/// <summary>
/// Reads a Heketi dump into Aplo's entities. A dump can hold anything, and what it holds ends up in commands on
/// storage nodes, so every value passes the same rules the API applies to a request, every reference must resolve
/// in both directions, and the first problem stops the import with a message naming the entry. Nothing is written
/// here; the caller writes <see cref="DumpImportResult.Changes"/> only when the whole dump passed.
/// </summary>
public static partial class HeketiDumpImport
{
    private const long DefaultExtentKiB = 4096;

    public static DumpImportResult Import(HeketiDump dump)
    {
        ArgumentNullException.ThrowIfNull(dump);
        var importer = new Importer(dump);
        return importer.Run();
    }

    [GeneratedRegex("^(/[A-Za-z0-9_.-]+)+\\z")]
    private static partial Regex MountRootPattern();

    [GeneratedRegex("^[A-Za-z0-9-]{1,64}\\z")]
    private static partial Regex PvUuidPattern();

    private sealed class Importer(HeketiDump dump)
    {
        // Heketi records no creator; only an admin could read a volume there, so imported volumes are the admin's.
        private const string ImportedCreator = "admin";

        private readonly IReadOnlyDictionary<string, DumpClusterEntry> clusters = dump.Clusters ?? new Dictionary<string, DumpClusterEntry>();
        private readonly IReadOnlyDictionary<string, DumpNodeEntry> nodes = dump.Nodes ?? new Dictionary<string, DumpNodeEntry>();
        private readonly IReadOnlyDictionary<string, DumpDeviceEntry> devices = dump.Devices ?? new Dictionary<string, DumpDeviceEntry>();
        private readonly IReadOnlyDictionary<string, DumpBrickEntry> bricks = dump.Bricks ?? new Dictionary<string, DumpBrickEntry>();
        private readonly IReadOnlyDictionary<string, DumpVolumeEntry> volumes = dump.Volumes ?? new Dictionary<string, DumpVolumeEntry>();
        private readonly IReadOnlyDictionary<string, DumpPendingOperationEntry> operations =
            dump.PendingOperations ?? new Dictionary<string, DumpPendingOperationEntry>();

        private readonly ChangeSet changes = new();
        private readonly List<string> warnings = [];
        private readonly Dictionary<(string? Cluster, string? Name), string> volumeNames = [];
        private bool inferredSets;

        // Who points at whom, built once so that checking each list against its back-links stays linear.
        private ILookup<string?, string> nodesByCluster = null!;
        private ILookup<string?, string> volumesByCluster = null!;
        private ILookup<string?, string> devicesByNode = null!;
        private ILookup<string?, string> bricksByDevice = null!;
        private ILookup<string?, string> bricksByVolume = null!;

        public DumpImportResult Run()
        {
            RefuseBlockVolumes();
            CheckIds("clusterentries", clusters, e => e.Info?.Id);
            CheckIds("nodeentries", nodes, e => e.Info?.Id);
            CheckIds("deviceentries", devices, e => e.Info?.Id);
            CheckIds("volumeentries", volumes, e => e.Info?.Id);
            CheckIds("brickentries", bricks, e => e.Info?.Id);
            CheckIds("pendingoperations", operations, e => e.Id);
            nodesByCluster = nodes.ToLookup(n => n.Value.Info.ClusterId, n => n.Key);
            volumesByCluster = volumes.ToLookup(v => v.Value.Info.Cluster, v => v.Key);
            devicesByNode = devices.ToLookup(d => d.Value.NodeId, d => d.Key);
            bricksByDevice = bricks.ToLookup(b => (string?)b.Value.Info.DeviceId, b => b.Key);
            bricksByVolume = bricks.ToLookup(b => (string?)b.Value.Info.VolumeId, b => b.Key);
            foreach (var (key, entry) in dump.DbAttributes ?? new Dictionary<string, DumpDbAttributeEntry>())
            {
                if (!HeketiDumpExport.Attributes.Contains(key) && key != "DB_GENERATION_ID")
                {
                    warnings.Add($"dbattributeentries[{key}]: unknown attribute ignored (value '{entry?.Value}')");
                }
            }

            foreach (var (id, entry) in clusters)
            {
                ImportCluster(id, entry);
            }

            var hostnames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (id, entry) in nodes)
            {
                ImportNode(id, entry, hostnames);
            }

            var deviceNames = new HashSet<(string, string)>();
            foreach (var (id, entry) in devices)
            {
                ImportDevice(id, entry, deviceNames);
            }

            foreach (var (id, entry) in volumes)
            {
                ImportVolume(id, entry);
            }

            foreach (var (id, entry) in bricks)
            {
                if (!volumes.ContainsKey(entry.Info.VolumeId ?? string.Empty))
                {
                    throw Fail($"brickentries[{id}]", $"unknown volume '{entry.Info.VolumeId}'");
                }
            }

            foreach (var (id, entry) in operations)
            {
                ImportOperation(id, entry);
            }

            if (inferredSets)
            {
                warnings.Add(
                    "Heketi does not record which bricks form a replica or disperse set; for volumes with more than one set "
                    + "Aplo grouped the bricks so that each set spans distinct nodes. Gluster's own grouping is in 'gluster volume info'.");
            }

            var model = new TopologyModel();
            model.Apply(changes);
            Recheck(model);
            return new DumpImportResult(model, changes, warnings);
        }

        /// <summary>
        /// The entries passed one by one; now the whole must hold together, by the check <c>/db/check</c> runs.
        /// Device space that does not add up is carried over with a warning, as Heketi databases often leaked space
        /// after failed operations; <c>device resync</c> fixes it.
        /// </summary>
        private void Recheck(TopologyModel model)
        {
            var report = ConsistencyCheck.Run(model);
            var fatal = report.Clusters.Inconsistencies.Concat(report.Nodes.Inconsistencies).Concat(report.Bricks.Inconsistencies)
                .Concat(report.Volumes.Inconsistencies).Concat(report.PendingOperations.Inconsistencies).ToList();
            if (fatal.Count > 0)
            {
                throw new AploException(ErrorKind.Validation, "Invalid dump: " + string.Join("; ", fatal));
            }

            warnings.AddRange(report.Devices.Inconsistencies.Select(i => i + " (carried over; 'device resync' recounts it)"));
        }

        private void RefuseBlockVolumes()
        {
            var blockVolumes = dump.BlockVolumes ?? new Dictionary<string, JsonElement>();
            if (blockVolumes.Count > 0)
            {
                throw Fail(
                    "blockvolumeentries",
                    $"the dump holds {blockVolumes.Count} block volume(s) (first: {blockVolumes.Keys.Order(StringComparer.Ordinal).First()}); "
                    + "Aplo does not serve gluster-block volumes. Delete or migrate them in Heketi, then export again.");
            }
        }

        private void ImportCluster(string key, DumpClusterEntry entry)
        {
            var where = $"clusterentries[{key}]";
            var info = entry.Info;
            if (info.BlockVolumes is { Count: > 0 })
            {
                throw Fail(where, "the cluster lists block volumes; Aplo does not serve gluster-block volumes");
            }

            CheckLinks(where, "nodes", info.Nodes ?? [], nodesByCluster[key], nodes.ContainsKey);
            CheckLinks(where, "volumes", info.Volumes ?? [], volumesByCluster[key], volumes.ContainsKey);
            changes.Put(new Cluster(key, info.File, info.Block));
        }

        private void ImportNode(string key, DumpNodeEntry entry, Dictionary<string, string> hostnames)
        {
            var where = $"nodeentries[{key}]";
            var info = entry.Info;
            if (info.Zone < 1)
            {
                throw Fail(where, $"zone: {info.Zone} is not a zone (must be 1 or more)");
            }

            var manage = info.Hostnames?.Manage ?? [];
            var storage = info.Hostnames?.Storage ?? [];
            if (manage.Count == 0 || storage.Count == 0)
            {
                throw Fail(where, "hostnames: a node needs a manage and a storage hostname");
            }

            foreach (var host in manage.Concat(storage))
            {
                Guard(where, () => Rules.Hostname("hostnames", host));
            }

            foreach (var host in manage.Concat(storage).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (!hostnames.TryAdd(host, key))
                {
                    throw Fail(where, $"hostname {host} is also used by node {hostnames[host]}");
                }
            }

            Guard(where, () => Rules.Tags(info.Tags));
            var state = Guard(where, () => StateRules.Parse(entry.State));
            var cluster = RequireLink(where, "cluster", info.ClusterId, clusters);
            if (!(cluster.Info.Nodes ?? []).Contains(key))
            {
                throw Fail(where, $"cluster {info.ClusterId} does not list this node");
            }

            CheckLinks(where, "Devices", entry.Devices ?? [], devicesByNode[key], devices.ContainsKey);
            changes.Put(new Node(
                key, info.ClusterId!, info.Zone, [.. manage], [.. storage], state, Tags(info.Tags), PendingOf(where, entry.Pending)));
        }

        private void ImportDevice(string key, DumpDeviceEntry entry, HashSet<(string, string)> names)
        {
            var where = $"deviceentries[{key}]";
            var info = entry.Info;
            Guard(where, () => Rules.DeviceName(info.Name));
            Guard(where, () => Rules.Tags(info.Tags));
            var state = Guard(where, () => StateRules.Parse(entry.State));
            foreach (var path in info.Paths ?? [])
            {
                Guard(where, () => Rules.DeviceName(path));
            }

            if (info.PvUuid is { Length: > 0 } pv && !PvUuidPattern().IsMatch(pv))
            {
                throw Fail(where, $"pv_uuid: '{pv}' is not an LVM uuid");
            }

            var size = info.Storage ?? new StorageSize();
            if (size.Total < 0 || size.Free < 0 || size.Used < 0 || entry.ExtentSize < 0)
            {
                throw Fail(where, $"sizes must not be negative (total {size.Total}, free {size.Free}, used {size.Used}, extent {entry.ExtentSize})");
            }

            if (size.Total != size.Free + size.Used)
            {
                throw Fail(where, $"storage: total {size.Total} is not free {size.Free} + used {size.Used}");
            }

            var node = RequireLink(where, "NodeId", entry.NodeId, nodes);
            if (!(node.Devices ?? []).Contains(key))
            {
                throw Fail(where, $"node {entry.NodeId} does not list this device");
            }

            if (!names.Add((entry.NodeId!, info.Name!)))
            {
                throw Fail(where, $"node {entry.NodeId} has another device named {info.Name}");
            }

            CheckLinks(where, "Bricks", entry.Bricks ?? [], bricksByDevice[key], bricks.ContainsKey);
            changes.Put(new Device(
                key, entry.NodeId!, info.Name!, Tags(info.Tags), size.Total, size.Free, size.Used,
                entry.ExtentSize == 0 ? DefaultExtentKiB : entry.ExtentSize,
                string.IsNullOrEmpty(info.PvUuid) ? null : info.PvUuid, [.. info.Paths ?? []], state, PendingOf(where, entry.Pending)));
        }

        private void ImportVolume(string key, DumpVolumeEntry entry)
        {
            var where = $"volumeentries[{key}]";
            var info = entry.Info;
            Guard(where, () => Rules.VolumeName(info.Name));
            if (info.Size < 1 || info.Size > Rules.MaxVolumeSizeGiB)
            {
                throw Fail(where, $"size: {info.Size} GiB is not between 1 and {Rules.MaxVolumeSizeGiB}");
            }

            if (info.Gid is < 0 or >= int.MaxValue)
            {
                throw Fail(where, $"gid: {info.Gid} is not between 0 and 2147483646");
            }

            var snapshot = info.Snapshot ?? new VolumeSnapshotInfo();
            var factor = snapshot.Enable ? snapshot.Factor : 1;
            if (factor is < 1 or > 100 || float.IsNaN(factor))
            {
                throw Fail(where, $"snapshot.factor: {snapshot.Factor} is not between 1 and 100");
            }

            if (info.Block)
            {
                if (info.BlockInfo?.BlockVolumes is { Count: > 0 })
                {
                    throw Fail(where, "the volume hosts block volumes; Aplo does not serve gluster-block volumes");
                }

                warnings.Add($"{where}: block-hosting volume {info.Name} holds no block volumes; imported as a file volume");
            }

            var options = entry.GlusterVolumeOptions ?? info.GlusterVolumeOptions ?? [];
            var arbiter = Guard(where, () => CheckOptions(options));
            var asked = info.Durability ?? new VolumeDurabilityInfo();
            var requested = new RequestedDurability(asked.Type, asked.Replicate?.Replica ?? 0, asked.Disperse?.Data ?? 0, asked.Disperse?.Redundancy ?? 0);
            var durability = Guard(where, () => VolumeService.ParseDurability(requested, arbiter));

            var cluster = RequireLink(where, "cluster", info.Cluster, clusters);
            if (!(cluster.Info.Volumes ?? []).Contains(key))
            {
                throw Fail(where, $"cluster {info.Cluster} does not list this volume");
            }

            if (!volumeNames.TryAdd((info.Cluster, info.Name), key))
            {
                throw Fail(where, $"volume {volumeNames[(info.Cluster, info.Name)]} in the same cluster has the same name {info.Name}");
            }

            var listed = entry.Bricks ?? [];
            CheckLinks(where, "Bricks", listed, bricksByVolume[key], bricks.ContainsKey);
            if (listed.Count % durability.SetSize != 0)
            {
                throw Fail(where, $"{listed.Count} bricks are not a whole number of sets of {durability.SetSize}");
            }

            var volume = new Volume(
                key, info.Cluster!, info.Name!, info.Size, durability, requested, info.Gid, [.. options],
                snapshot.Enable, factor, ImportedCreator, PendingOf(where, entry.Pending));
            changes.Put(volume);
            foreach (var brick in ImportBricks(volume, [.. listed.Order(StringComparer.Ordinal)]))
            {
                changes.Put(brick);
            }
        }

        /// <summary>The API's option rules; returns whether the volume asks for an arbiter.</summary>
        private static bool CheckOptions(IReadOnlyList<string> options)
        {
            var arbiter = false;
            foreach (var option in options.Select(Rules.VolumeOption).OfType<KeyValuePair<string, string>>())
            {
                switch (option.Key)
                {
                    case VolumeService.ArbiterOption:
                        arbiter = option.Value.Equals("true", StringComparison.OrdinalIgnoreCase);
                        break;
                    case VolumeService.ZoneCheckingOption when option.Value is not ("strict" or "none"):
                        throw AploException.Invalid($"glustervolumeoptions: {VolumeService.ZoneCheckingOption} must be strict or none");
                    case VolumeService.AverageFileSizeOption
                        when !long.TryParse(option.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var kib) || kib < 1:
                        throw AploException.Invalid($"glustervolumeoptions: {VolumeService.AverageFileSizeOption} must be a positive number of KiB");
                    case TagMatch.Option:
                        TagMatch.Parse(option.Value);
                        break;
                }
            }

            return arbiter;
        }

        private List<Brick> ImportBricks(Volume volume, List<string> ids)
        {
            var entries = ids.Select(id => (Id: id, Entry: bricks[id])).ToList();
            var largest = entries.Count == 0 ? 0 : entries.Max(e => e.Entry.Info.Size);
            var roles = new Dictionary<string, BrickRole>(StringComparer.Ordinal);
            foreach (var (id, entry) in entries)
            {
                var where = $"brickentries[{id}]";
                CheckBrick(where, id, entry);
                roles[id] = entry.SubType switch
                {
                    1 => BrickRole.Data,
                    2 => BrickRole.Arbiter,

                    // Databases older than the subtype field: an arbiter volume's arbiters are its small bricks.
                    0 => volume.Durability.Arbiter && entry.Info.Size < largest ? BrickRole.Arbiter : BrickRole.Data,
                    _ => throw Fail(where, $"SubType: {entry.SubType} is not 0 (unknown), 1 (normal) or 2 (arbiter)"),
                };
            }

            var sets = entries.Count / volume.Durability.SetSize;
            var arbiters = roles.Values.Count(r => r == BrickRole.Arbiter);
            if (arbiters != (volume.Durability.Arbiter ? sets : 0))
            {
                throw Fail($"volumeentries[{volume.Id}]", $"{arbiters} arbiter bricks for {sets} sets of a {(volume.Durability.Arbiter ? string.Empty : "non-")}arbiter volume");
            }

            var places = entries.All(e => e.Entry.SetIndex is not null && e.Entry.Position is not null)
                ? RecordedPlaces(volume, entries, roles)
                : InferredPlaces(volume, entries, roles, sets);
            return [.. entries.Select(e =>
            {
                var info = e.Entry.Info;
                var (set, position) = places[e.Id];
                return new Brick(
                    e.Id, volume.Id, info.DeviceId, info.NodeId, info.Path, info.Size, e.Entry.TpSize, e.Entry.PoolMetadataSize,
                    roles[e.Id], set, position, PendingOf($"brickentries[{e.Id}]", e.Entry.Pending));
            })];
        }

        private void CheckBrick(string where, string key, DumpBrickEntry entry)
        {
            var info = entry.Info;
            if (info.Size <= 0 || entry.TpSize <= 0 || entry.PoolMetadataSize < 0)
            {
                throw Fail(where, $"sizes must be positive (size {info.Size}, TpSize {entry.TpSize}, PoolMetadataSize {entry.PoolMetadataSize})");
            }

            if (entry.LvmThinPool is { Length: > 0 } pool && pool != "tp_" + key || entry.LvmLv is { Length: > 0 } lv && lv != "brick_" + key)
            {
                throw Fail(where, $"the brick lives in thin pool '{entry.LvmThinPool}', LV '{entry.LvmLv}' (a volume clone); Aplo names every brick's pool and LV after the brick and does not serve clones");
            }

            var device = RequireLink(where, "device", info.DeviceId, devices);
            if (!(device.Bricks ?? []).Contains(key))
            {
                throw Fail(where, $"device {info.DeviceId} does not list this brick");
            }

            if (device.NodeId != info.NodeId)
            {
                throw Fail(where, $"node: the brick names node {info.NodeId} but its device {info.DeviceId} is on node {device.NodeId}");
            }

            if (string.IsNullOrEmpty(info.Path))
            {
                throw Fail(where, "path is empty; remove such bricks in Heketi first (heketi db delete-bricks-with-empty-path)");
            }

            var suffix = $"/vg_{info.DeviceId}/brick_{key}/brick";
            if (!info.Path.EndsWith(suffix, StringComparison.Ordinal)
                || !MountRootPattern().IsMatch(info.Path[..^suffix.Length])
                || info.Path.Split('/').Any(part => part is "." or ".."))
            {
                throw Fail(where, $"path: '{info.Path}' is not <mount root>/vg_<device id>/brick_<brick id>/brick");
            }
        }

        /// <summary>Places an Aplo dump recorded; they must form whole sets with the arbiter last.</summary>
        private static Dictionary<string, (int, int)> RecordedPlaces(Volume volume, List<(string Id, DumpBrickEntry Entry)> entries, Dictionary<string, BrickRole> roles)
        {
            var places = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
            var taken = new HashSet<(int, int)>();
            var size = volume.Durability.SetSize;
            foreach (var (id, entry) in entries)
            {
                var place = (entry.SetIndex!.Value, entry.Position!.Value);
                var arbiterPlace = volume.Durability.Arbiter && place.Item2 == size - 1;
                if (place.Item1 < 0 || place.Item2 < 0 || place.Item2 >= size || !taken.Add(place) || arbiterPlace != (roles[id] == BrickRole.Arbiter))
                {
                    throw Fail($"brickentries[{id}]", $"SetIndex {place.Item1}, Position {place.Item2} is not a free place in a set of {size}");
                }

                places[id] = place;
            }

            return places;
        }

        /// <summary>
        /// Heketi does not store set membership, so group the bricks as Heketi's allocator placed them: each set on
        /// distinct nodes, the arbiter last. With one set there is nothing to guess.
        /// </summary>
        private Dictionary<string, (int, int)> InferredPlaces(Volume volume, List<(string Id, DumpBrickEntry Entry)> entries, Dictionary<string, BrickRole> roles, int sets)
        {
            var size = volume.Durability.SetSize;
            var members = Enumerable.Range(0, sets).Select(_ => new List<(string Id, string Node)>()).ToList();
            var places = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
            var arbiters = entries.Where(e => roles[e.Id] == BrickRole.Arbiter).ToList();
            for (var i = 0; i < arbiters.Count; i++)
            {
                members[i].Add((arbiters[i].Id, arbiters[i].Entry.Info.NodeId));
                places[arbiters[i].Id] = (i, size - 1);
            }

            var room = volume.Durability.Arbiter ? size - 1 : size;
            foreach (var (id, entry) in entries.Where(e => roles[e.Id] == BrickRole.Data))
            {
                var node = entry.Info.NodeId;
                var set = members.FindIndex(m => DataCount(m) < room && m.All(b => b.Node != node));
                if (set < 0)
                {
                    set = members.FindIndex(m => DataCount(m) < room);
                    warnings.Add($"volumeentries[{volume.Id}]: brick {id} shares a node with another brick of its set");
                }

                places[id] = (set, DataCount(members[set]));
                members[set].Add((id, node));
            }

            inferredSets |= sets > 1 && size > 1;
            return places;

            int DataCount(List<(string Id, string Node)> set) => set.Count(b => roles[b.Id] == BrickRole.Data);
        }

        private void ImportOperation(string key, DumpPendingOperationEntry entry)
        {
            var where = $"pendingoperations[{key}]";
            var actions = entry.Actions ?? [];
            if (actions.Any(a => a is null))
            {
                throw Fail(where, "Actions: an action is null");
            }
            var type = entry.Type switch
            {
                1 => OperationType.VolumeCreate,
                2 => OperationType.VolumeDelete,
                3 => OperationType.VolumeExpand,
                >= 100 and <= 104 => (OperationType)entry.Type,
                _ => throw Fail(
                    where,
                    $"operation type {entry.Type} ({HeketiTypeName(entry.Type)}) is not one Aplo can finish or roll back; "
                    + "clean it up in Heketi first (heketi-cli server operations cleanup, or heketi offline cleanup-operations), then export again"),
            };
            var (targetChange, brickChange) = type switch
            {
                OperationType.VolumeCreate => (HeketiDumpExport.ChangeAddVolume, HeketiDumpExport.ChangeAddBrick),
                OperationType.VolumeDelete => (HeketiDumpExport.ChangeDeleteVolume, HeketiDumpExport.ChangeDeleteBrick),
                OperationType.VolumeExpand => (HeketiDumpExport.ChangeExpandVolume, HeketiDumpExport.ChangeAddBrick),
                _ => (HeketiDumpExport.ChangeUnknown, -1),
            };
            var targets = actions.Where(a => a.Change == targetChange).ToList();
            if (targets.Count != 1 || actions.Any(a => a.Change != targetChange && a.Change != brickChange))
            {
                throw Fail(where, $"a {HeketiTypeName(entry.Type)} operation needs exactly one change of kind {targetChange} and only brick changes of kind {brickChange} besides");
            }

            var target = targets[0].Id ?? string.Empty;
            var known = type switch
            {
                OperationType.VolumeCreate or OperationType.VolumeDelete or OperationType.VolumeExpand => volumes.ContainsKey(target),
                OperationType.NodeAdd or OperationType.NodeDelete => nodes.ContainsKey(target),
                _ => devices.ContainsKey(target),
            };
            if (!known)
            {
                throw Fail(where, $"unknown target {target}");
            }

            var brickIds = actions.Where(a => a.Change == brickChange).Select(a => a.Id ?? string.Empty).ToList();
            foreach (var brick in brickIds.Where(b => !bricks.ContainsKey(b)))
            {
                throw Fail(where, $"unknown brick {brick}");
            }

            long delta = 0;
            if (type == OperationType.VolumeExpand && (targets[0].Delta is not { ValueKind: JsonValueKind.Number } d || !d.TryGetInt64(out delta) || delta < 1))
            {
                throw Fail(where, "the expansion's Delta is not a positive number of GiB");
            }

            if (entry.Status is not (null or "" or "stale" or "failed"))
            {
                throw Fail(where, $"Status: '{entry.Status}' is not \"\", stale or failed");
            }

            changes.Put(new PendingOperation(
                key, type, DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(entry.Timestamp, 0, 253402300799)), entry.Status ?? string.Empty, target, brickIds, delta));
        }

        private static string HeketiTypeName(int type) => type switch
        {
            1 => "create-volume",
            2 => "delete-volume",
            3 => "expand-volume",
            4 => "create-block-volume",
            5 => "delete-block-volume",
            6 => "remove-device",
            7 => "clone-volume",
            8 => "evict-brick",
            9 => "expand-block-volume",
            >= 100 and <= 104 => ((OperationType)type).ToString(),
            _ => "unknown",
        };

        private string? PendingOf(string where, DumpPendingItem? pending)
        {
            if (string.IsNullOrEmpty(pending?.Id))
            {
                return null;
            }

            if (!operations.ContainsKey(pending.Id))
            {
                throw Fail(where, $"marked pending but no pending operation {pending.Id}");
            }

            return pending.Id;
        }

        private static T RequireLink<T>(string where, string field, string? id, IReadOnlyDictionary<string, T> map) =>
            id is not null && map.TryGetValue(id, out var entry) ? entry : throw Fail(where, $"{field}: unknown id '{id}'");

        /// <summary>A list of ids must name exactly the entries that point back, each once.</summary>
        private static void CheckLinks(string where, string field, IReadOnlyList<string> listed, IEnumerable<string> pointingBack, Func<string, bool> exists)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var id in listed)
            {
                if (!seen.Add(id))
                {
                    throw Fail(where, $"{field}: {id} is listed twice");
                }

                if (!exists(id))
                {
                    throw Fail(where, $"{field}: unknown id '{id}'");
                }
            }

            foreach (var id in pointingBack.Where(id => !seen.Contains(id)))
            {
                throw Fail(where, $"{field}: does not list {id}, which points to it");
            }

            foreach (var id in seen.Except(pointingBack, StringComparer.Ordinal))
            {
                throw Fail(where, $"{field}: lists {id}, which does not point back to it");
            }
        }

        /// <summary>First of all, every entry is filed under its own id, so later messages name the right entry.</summary>
        private static void CheckIds<T>(string bucket, IReadOnlyDictionary<string, T> entries, Func<T, string?> id)
        {
            foreach (var (key, entry) in entries)
            {
                // JSON null decodes to a null entry or info; Go would have zero values, and an empty id is no id.
                CheckId($"{bucket}[{key}]", key, entry is null ? null : id(entry));
            }
        }

        private static void CheckId(string where, string key, string? id)
        {
            if (!Rules.IsId(key))
            {
                throw Fail(where, "the key is not an id (hex characters)");
            }

            if (id != key)
            {
                throw Fail(where, $"the entry's id '{id}' is not its key");
            }
        }

        private static IReadOnlyDictionary<string, string> Tags(IReadOnlyDictionary<string, string>? tags) =>
            tags is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(tags.ToDictionary(), StringComparer.Ordinal);

        private static void Guard(string where, Action check) => Guard(where, () =>
        {
            check();
            return true;
        });

        private static T Guard<T>(string where, Func<T> check)
        {
            try
            {
                return check();
            }
            catch (AploException ex) when (ex.Kind == ErrorKind.Validation)
            {
                throw Fail(where, ex.Message.Replace("validation failed: ", string.Empty, StringComparison.Ordinal));
            }
        }

        private static AploException Fail(string where, string message) => new(ErrorKind.Validation, $"Invalid dump: {where}: {message}");

    }
}
