using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aplo.Contracts;

/// <summary>
/// Heketi's database dump (<c>GET /db/dump</c>, <c>heketi db export|import</c>): one map id → entry per bucket.
/// The entry wrappers use Go's field names ("Info", "State", "TpSize"), the info objects inside them the API's
/// lowercase names, exactly as Heketi's encoder writes them.
/// </summary>
public sealed record HeketiDump
{
    [JsonPropertyName("clusterentries")]
    public IReadOnlyDictionary<string, DumpClusterEntry>? Clusters { get; init; }

    [JsonPropertyName("volumeentries")]
    public IReadOnlyDictionary<string, DumpVolumeEntry>? Volumes { get; init; }

    [JsonPropertyName("brickentries")]
    public IReadOnlyDictionary<string, DumpBrickEntry>? Bricks { get; init; }

    [JsonPropertyName("nodeentries")]
    public IReadOnlyDictionary<string, DumpNodeEntry>? Nodes { get; init; }

    [JsonPropertyName("deviceentries")]
    public IReadOnlyDictionary<string, DumpDeviceEntry>? Devices { get; init; }

    /// <summary>Kept as raw JSON: Aplo serves no block volumes, it only needs to see whether there are any.</summary>
    [JsonPropertyName("blockvolumeentries")]
    public IReadOnlyDictionary<string, JsonElement>? BlockVolumes { get; init; }

    [JsonPropertyName("dbattributeentries")]
    public IReadOnlyDictionary<string, DumpDbAttributeEntry>? DbAttributes { get; init; }

    [JsonPropertyName("pendingoperations")]
    public IReadOnlyDictionary<string, DumpPendingOperationEntry>? PendingOperations { get; init; }
}

/// <summary>Heketi's PendingItem: the id of the operation an entry is part of, empty when none.</summary>
public sealed record DumpPendingItem
{
    [JsonPropertyName("Id")]
    public string? Id { get; init; }
}

public sealed record DumpClusterEntry
{
    [JsonPropertyName("Info")]
    public required ClusterInfoResponse Info { get; init; }
}

/// <summary>Heketi's NodeInfo: the node add request plus the id (state and devices live on the entry).</summary>
public sealed record DumpNodeInfo
{
    [JsonPropertyName("zone")]
    public int Zone { get; init; }

    [JsonPropertyName("hostnames")]
    public HostAddresses Hostnames { get; init; } = new();

    [JsonPropertyName("cluster")]
    public string? ClusterId { get; init; }

    [JsonPropertyName("tags")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    [JsonPropertyName("id")]
    public string? Id { get; init; }
}

public sealed record DumpNodeEntry
{
    [JsonPropertyName("State")]
    public string? State { get; init; }

    [JsonPropertyName("Info")]
    public required DumpNodeInfo Info { get; init; }

    [JsonPropertyName("Devices")]
    public IReadOnlyList<string>? Devices { get; init; }

    /// <summary>Aplo's addition (Heketi never marks nodes pending): the node add or delete in progress.</summary>
    [JsonPropertyName("Pending")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DumpPendingItem? Pending { get; init; }
}

/// <summary>Heketi's DeviceInfo: name, tags, storage, id and the optional LVM metadata (no state, no bricks).</summary>
public sealed record DumpDeviceInfo
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("tags")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    [JsonPropertyName("storage")]
    public StorageSize Storage { get; init; } = new();

    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("paths")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Paths { get; init; }

    [JsonPropertyName("pv_uuid")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PvUuid { get; init; }
}

public sealed record DumpDeviceEntry
{
    [JsonPropertyName("State")]
    public string? State { get; init; }

    [JsonPropertyName("Info")]
    public required DumpDeviceInfo Info { get; init; }

    [JsonPropertyName("Bricks")]
    public IReadOnlyList<string>? Bricks { get; init; }

    [JsonPropertyName("NodeId")]
    public string? NodeId { get; init; }

    /// <summary>The volume group's extent size in KiB.</summary>
    [JsonPropertyName("ExtentSize")]
    public long ExtentSize { get; init; }

    /// <summary>Aplo's addition (Heketi never marks devices pending): the device add or delete in progress.</summary>
    [JsonPropertyName("Pending")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DumpPendingItem? Pending { get; init; }
}

public sealed record DumpBrickEntry
{
    [JsonPropertyName("Info")]
    public required BrickInfo Info { get; init; }

    /// <summary>KiB charged to the device for the thin pool.</summary>
    [JsonPropertyName("TpSize")]
    public long TpSize { get; init; }

    /// <summary>KiB charged to the device for the thin pool's metadata.</summary>
    [JsonPropertyName("PoolMetadataSize")]
    public long PoolMetadataSize { get; init; }

    [JsonPropertyName("Pending")]
    public DumpPendingItem Pending { get; init; } = new();

    /// <summary>Empty means Heketi's default name <c>tp_&lt;brick id&gt;</c>; only clones name another pool.</summary>
    [JsonPropertyName("LvmThinPool")]
    public string? LvmThinPool { get; init; }

    /// <summary>Empty means Heketi's default name <c>brick_&lt;brick id&gt;</c>.</summary>
    [JsonPropertyName("LvmLv")]
    public string? LvmLv { get; init; }

    /// <summary>0 unknown (older databases), 1 normal, 2 arbiter.</summary>
    [JsonPropertyName("SubType")]
    public int SubType { get; init; }

    /// <summary>
    /// Aplo's addition: which replica or disperse set the brick belongs to. Heketi does not store it (Gluster's
    /// brick order holds it), so a Heketi dump lacks it and the import works it out.
    /// </summary>
    [JsonPropertyName("SetIndex")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? SetIndex { get; init; }

    /// <summary>Aplo's addition: the brick's place within its set (the arbiter is last).</summary>
    [JsonPropertyName("Position")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Position { get; init; }
}

/// <summary>Heketi's block-hosting details of a volume; every field is omitted when empty.</summary>
public sealed record DumpBlockInfo
{
    [JsonPropertyName("freesize")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long FreeSize { get; init; }

    [JsonPropertyName("reservedsize")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long ReservedSize { get; init; }

    [JsonPropertyName("blockvolume")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? BlockVolumes { get; init; }

    [JsonPropertyName("restriction")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Restriction { get; init; }
}

/// <summary>Heketi's VolumeInfo: the create request's fields plus id, cluster, mount and block info (no bricks).</summary>
public sealed record DumpVolumeInfo
{
    /// <summary>GiB.</summary>
    [JsonPropertyName("size")]
    public long Size { get; init; }

    [JsonPropertyName("clusters")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Clusters { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("durability")]
    public VolumeDurabilityInfo Durability { get; init; } = new();

    [JsonPropertyName("gid")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Gid { get; init; }

    /// <summary>Heketi keeps a volume's options on the entry, not here; read for old dumps only.</summary>
    [JsonPropertyName("glustervolumeoptions")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? GlusterVolumeOptions { get; init; }

    [JsonPropertyName("block")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Block { get; init; }

    [JsonPropertyName("snapshot")]
    public VolumeSnapshotInfo Snapshot { get; init; } = new();

    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("cluster")]
    public string? Cluster { get; init; }

    [JsonPropertyName("mount")]
    public VolumeMountInfo? Mount { get; init; }

    [JsonPropertyName("blockinfo")]
    public DumpBlockInfo BlockInfo { get; init; } = new();
}

public sealed record DumpVolumeEntry
{
    [JsonPropertyName("Info")]
    public required DumpVolumeInfo Info { get; init; }

    [JsonPropertyName("Bricks")]
    public IReadOnlyList<string>? Bricks { get; init; }

    [JsonPropertyName("GlusterVolumeOptions")]
    public IReadOnlyList<string>? GlusterVolumeOptions { get; init; }

    [JsonPropertyName("Pending")]
    public DumpPendingItem Pending { get; init; } = new();
}

public sealed record DumpDbAttributeEntry
{
    [JsonPropertyName("Key")]
    public string? Key { get; init; }

    [JsonPropertyName("Value")]
    public string? Value { get; init; }
}

/// <summary>One change of a pending operation: what kind (Heketi's PendingChangeType), on which id, and a delta.</summary>
public sealed record DumpPendingAction
{
    [JsonPropertyName("Change")]
    public int Change { get; init; }

    [JsonPropertyName("Id")]
    public string? Id { get; init; }

    /// <summary>Go's <c>interface{}</c>: null, or the GiB of a volume expansion.</summary>
    [JsonPropertyName("Delta")]
    public JsonElement? Delta { get; init; }
}

public sealed record DumpPendingOperationEntry
{
    [JsonPropertyName("Id")]
    public string? Id { get; init; }

    /// <summary>Unix seconds.</summary>
    [JsonPropertyName("Timestamp")]
    public long Timestamp { get; init; }

    [JsonPropertyName("Type")]
    public int Type { get; init; }

    [JsonPropertyName("Actions")]
    public IReadOnlyList<DumpPendingAction>? Actions { get; init; }

    /// <summary>"" new, "stale" or "failed".</summary>
    [JsonPropertyName("Status")]
    public string? Status { get; init; }
}

/// <summary>One bucket of <c>GET /db/check</c>. Heketi leaves the list null when there is nothing in it.</summary>
public sealed record DbBucketCheckResponse
{
    [JsonPropertyName("total")]
    public int Total { get; init; }

    [JsonPropertyName("pending")]
    public int Pending { get; init; }

    [JsonPropertyName("ok")]
    public int Ok { get; init; }

    [JsonPropertyName("notok")]
    public int NotOk { get; init; }

    [JsonPropertyName("inconsistencies")]
    public IReadOnlyList<string>? Inconsistencies { get; init; }
}

/// <summary><c>GET /db/check</c> and <c>db consistency-check</c>.</summary>
public sealed record DbCheckResponse
{
    [JsonPropertyName("clusters")]
    public DbBucketCheckResponse Clusters { get; init; } = new();

    [JsonPropertyName("volumes")]
    public DbBucketCheckResponse Volumes { get; init; } = new();

    [JsonPropertyName("bricks")]
    public DbBucketCheckResponse Bricks { get; init; } = new();

    [JsonPropertyName("nodes")]
    public DbBucketCheckResponse Nodes { get; init; } = new();

    [JsonPropertyName("devices")]
    public DbBucketCheckResponse Devices { get; init; } = new();

    [JsonPropertyName("blockvolumes")]
    public DbBucketCheckResponse BlockVolumes { get; init; } = new();

    [JsonPropertyName("dbattributes")]
    public DbBucketCheckResponse DbAttributes { get; init; } = new();

    [JsonPropertyName("pendingoperations")]
    public DbBucketCheckResponse PendingOperations { get; init; } = new();

    [JsonPropertyName("totalinconsistencies")]
    public int TotalInconsistencies { get; init; }
}

/// <summary>
/// The dump's serializer. Names match case-insensitively, as Go's decoder does; a key given twice is refused
/// rather than silently taking the last, because in a dump that means two entries with one id.
/// </summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, AllowDuplicateProperties = false)]
[JsonSerializable(typeof(HeketiDump))]
[JsonSerializable(typeof(DbCheckResponse))]
[JsonSerializable(typeof(long))]
public sealed partial class HeketiDumpJsonContext : JsonSerializerContext;
