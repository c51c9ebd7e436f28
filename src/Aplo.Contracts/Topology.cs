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
