using System.Text.Json.Serialization;

namespace Aplo.Contracts;

/// <summary>Body of POST /clusters and POST /clusters/{id}/flags. Both flags default to false, as in Heketi.</summary>
public sealed record ClusterCreateRequest
{
    [JsonPropertyName("file")]
    public bool File { get; init; }

    [JsonPropertyName("block")]
    public bool Block { get; init; }
}

public sealed record ClusterInfoResponse
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("nodes")]
    public required IReadOnlyList<string> Nodes { get; init; }

    [JsonPropertyName("volumes")]
    public required IReadOnlyList<string> Volumes { get; init; }

    [JsonPropertyName("block")]
    public bool Block { get; init; }

    [JsonPropertyName("file")]
    public bool File { get; init; }

    [JsonPropertyName("blockvolumes")]
    public IReadOnlyList<string> BlockVolumes { get; init; } = [];
}

public sealed record ClusterListResponse
{
    [JsonPropertyName("clusters")]
    public required IReadOnlyList<string> Clusters { get; init; }
}
