using System.Text.Json.Serialization;

namespace Aplo.Contracts;

public sealed record HostAddresses
{
    [JsonPropertyName("manage")]
    public IReadOnlyList<string> Manage { get; init; } = [];

    [JsonPropertyName("storage")]
    public IReadOnlyList<string> Storage { get; init; } = [];
}

public sealed record NodeAddRequest
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
}

public sealed record NodeInfoResponse
{
    [JsonPropertyName("zone")]
    public int Zone { get; init; }

    [JsonPropertyName("hostnames")]
    public required HostAddresses Hostnames { get; init; }

    [JsonPropertyName("cluster")]
    public required string ClusterId { get; init; }

    [JsonPropertyName("tags")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("state")]
    public required string State { get; init; }

    [JsonPropertyName("devices")]
    public required IReadOnlyList<DeviceInfoResponse> Devices { get; init; }
}

/// <summary>Body of POST /nodes/{id}/state and /devices/{id}/state.</summary>
public sealed record StateRequest
{
    [JsonPropertyName("state")]
    public string? State { get; init; }

    [JsonPropertyName("healcheck")]
    public string? HealCheck { get; init; }
}

/// <summary>Body of POST /nodes/{id}/tags and /devices/{id}/tags.</summary>
public sealed record TagsChangeRequest
{
    [JsonPropertyName("tags")]
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    [JsonPropertyName("change_type")]
    public string? ChangeType { get; init; }
}
