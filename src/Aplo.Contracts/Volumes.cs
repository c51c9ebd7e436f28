using System.Text.Json.Serialization;

namespace Aplo.Contracts;

public sealed record ReplicaDurability
{
    [JsonPropertyName("replica")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Replica { get; init; }
}

public sealed record DisperseDurability
{
    [JsonPropertyName("data")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Data { get; init; }

    [JsonPropertyName("redundancy")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Redundancy { get; init; }
}

public sealed record VolumeDurabilityInfo
{
    [JsonPropertyName("type")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Type { get; init; }

    [JsonPropertyName("replicate")]
    public ReplicaDurability Replicate { get; init; } = new();

    [JsonPropertyName("disperse")]
    public DisperseDurability Disperse { get; init; } = new();
}

public sealed record VolumeSnapshotInfo
{
    [JsonPropertyName("enable")]
    public bool Enable { get; init; }

    [JsonPropertyName("factor")]
    public float Factor { get; init; }
}

public sealed record VolumeCreateRequest
{
    /// <summary>GiB.</summary>
    [JsonPropertyName("size")]
    public long Size { get; init; }

    [JsonPropertyName("clusters")]
    public IReadOnlyList<string>? Clusters { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("durability")]
    public VolumeDurabilityInfo? Durability { get; init; }

    [JsonPropertyName("gid")]
    public long Gid { get; init; }

    [JsonPropertyName("glustervolumeoptions")]
    public IReadOnlyList<string>? GlusterVolumeOptions { get; init; }

    [JsonPropertyName("block")]
    public bool Block { get; init; }

    [JsonPropertyName("snapshot")]
    public VolumeSnapshotInfo? Snapshot { get; init; }
}

public sealed record VolumeExpandRequest
{
    /// <summary>GiB.</summary>
    [JsonPropertyName("expand_size")]
    public long ExpandSize { get; init; }
}

public sealed record GlusterfsMount
{
    [JsonPropertyName("hosts")]
    public required IReadOnlyList<string> Hosts { get; init; }

    [JsonPropertyName("device")]
    public required string Device { get; init; }

    [JsonPropertyName("options")]
    public required IReadOnlyDictionary<string, string> Options { get; init; }
}

public sealed record VolumeMountInfo
{
    [JsonPropertyName("glusterfs")]
    public required GlusterfsMount GlusterFS { get; init; }
}

/// <summary>Block-hosting details; every field is omitted for file volumes, so it serializes as <c>{}</c>.</summary>
public sealed record BlockInfo;

public sealed record VolumeInfoResponse
{
    [JsonPropertyName("size")]
    public long Size { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("durability")]
    public required VolumeDurabilityInfo Durability { get; init; }

    [JsonPropertyName("gid")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Gid { get; init; }

    [JsonPropertyName("glustervolumeoptions")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? GlusterVolumeOptions { get; init; }

    [JsonPropertyName("snapshot")]
    public required VolumeSnapshotInfo Snapshot { get; init; }

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("cluster")]
    public required string Cluster { get; init; }

    [JsonPropertyName("mount")]
    public required VolumeMountInfo Mount { get; init; }

    [JsonPropertyName("blockinfo")]
    public BlockInfo BlockInfo { get; init; } = new();

    [JsonPropertyName("bricks")]
    public required IReadOnlyList<BrickInfo> Bricks { get; init; }
}

public sealed record VolumeListResponse
{
    [JsonPropertyName("volumes")]
    public required IReadOnlyList<string> Volumes { get; init; }
}
