using System.Text.Json.Serialization;

namespace Aplo.Contracts;

/// <summary>
/// The whole topology in one answer (Aplo's <c>GET /topology</c>), in the shape heketi-cli assembles
/// client-side from many requests: each cluster with its volumes and its nodes (with devices and bricks).
/// </summary>
public sealed record TopologyInfoResponse
{
    [JsonPropertyName("clusters")]
    public required IReadOnlyList<TopologyCluster> Clusters { get; init; }
}

public sealed record TopologyCluster
{
    [JsonPropertyName("volumes")]
    public required IReadOnlyList<VolumeInfoResponse> Volumes { get; init; }

    [JsonPropertyName("nodes")]
    public required IReadOnlyList<NodeInfoResponse> Nodes { get; init; }

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("block")]
    public bool Block { get; init; }

    [JsonPropertyName("file")]
    public bool File { get; init; }
}

/// <summary>Body and answer of Heketi's <c>/internal/logging</c>: logger name (only <c>glusterfs</c>) to level.</summary>
public sealed record LogLevelInfo
{
    [JsonPropertyName("loglevel")]
    public IReadOnlyDictionary<string, string>? LogLevel { get; init; }
}

/// <summary>
/// Aplo's <c>GET /topology?brief=true</c>: what <c>aplo topology info</c> prints and no more. Volumes come without
/// their bricks and mount (a brick count instead), and bricks, listed once under their devices, without paths: at
/// 10,000 volumes about a fifth of the full answer's bytes.
/// </summary>
public sealed record TopologyBriefResponse
{
    [JsonPropertyName("clusters")]
    public required IReadOnlyList<TopologyBriefCluster> Clusters { get; init; }
}

public sealed record TopologyBriefCluster
{
    [JsonPropertyName("volumes")]
    public required IReadOnlyList<VolumeBrief> Volumes { get; init; }

    [JsonPropertyName("nodes")]
    public required IReadOnlyList<NodeBrief> Nodes { get; init; }

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("block")]
    public bool Block { get; init; }

    [JsonPropertyName("file")]
    public bool File { get; init; }
}

public sealed record VolumeBrief
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("cluster")]
    public required string Cluster { get; init; }

    [JsonPropertyName("size")]
    public long Size { get; init; }

    [JsonPropertyName("durability")]
    public VolumeDurabilityInfo Durability { get; init; } = new();

    [JsonPropertyName("brick_count")]
    public int BrickCount { get; init; }
}

public sealed record NodeBrief
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("zone")]
    public int Zone { get; init; }

    [JsonPropertyName("state")]
    public required string State { get; init; }

    [JsonPropertyName("hostnames")]
    public HostAddresses Hostnames { get; init; } = new();

    [JsonPropertyName("tags")]
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    [JsonPropertyName("devices")]
    public required IReadOnlyList<DeviceBrief> Devices { get; init; }
}

public sealed record DeviceBrief
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("state")]
    public required string State { get; init; }

    [JsonPropertyName("storage")]
    public StorageSize Storage { get; init; } = new();

    [JsonPropertyName("tags")]
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    [JsonPropertyName("bricks")]
    public required IReadOnlyList<BrickBrief> Bricks { get; init; }
}

public sealed record BrickBrief
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("volume")]
    public required string Volume { get; init; }

    [JsonPropertyName("size")]
    public long Size { get; init; }
}
