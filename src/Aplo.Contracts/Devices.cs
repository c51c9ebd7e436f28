using System.Text.Json.Serialization;

namespace Aplo.Contracts;

public sealed record DeviceAddRequest
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("tags")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    [JsonPropertyName("node")]
    public string? NodeId { get; init; }

    [JsonPropertyName("destroydata")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool DestroyData { get; init; }
}

public sealed record DeviceDeleteRequest
{
    [JsonPropertyName("forceforget")]
    public bool ForceForget { get; init; }
}

/// <summary>Sizes in KiB.</summary>
public sealed record StorageSize
{
    [JsonPropertyName("total")]
    public long Total { get; init; }

    [JsonPropertyName("free")]
    public long Free { get; init; }

    [JsonPropertyName("used")]
    public long Used { get; init; }
}

public sealed record BrickInfo
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("path")]
    public required string Path { get; init; }

    [JsonPropertyName("device")]
    public required string DeviceId { get; init; }

    [JsonPropertyName("node")]
    public required string NodeId { get; init; }

    [JsonPropertyName("volume")]
    public required string VolumeId { get; init; }

    /// <summary>KiB.</summary>
    [JsonPropertyName("size")]
    public long Size { get; init; }
}

public sealed record DeviceInfoResponse
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("tags")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    [JsonPropertyName("storage")]
    public required StorageSize Storage { get; init; }

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("paths")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Paths { get; init; }

    [JsonPropertyName("pv_uuid")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PvUuid { get; init; }

    [JsonPropertyName("state")]
    public required string State { get; init; }

    [JsonPropertyName("bricks")]
    public required IReadOnlyList<BrickInfo> Bricks { get; init; }
}
