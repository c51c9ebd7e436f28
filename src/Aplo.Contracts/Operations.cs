using System.Text.Json.Serialization;

namespace Aplo.Contracts;

/// <summary>GET /operations.</summary>
public sealed record OperationsInfo
{
    [JsonPropertyName("total")]
    public ulong Total { get; init; }

    [JsonPropertyName("in_flight")]
    public ulong InFlight { get; init; }

    [JsonPropertyName("stale")]
    public ulong Stale { get; init; }

    [JsonPropertyName("failed")]
    public ulong Failed { get; init; }

    [JsonPropertyName("new")]
    public ulong New { get; init; }
}

public sealed record PendingChangeInfo
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("description")]
    public required string Description { get; init; }
}

public sealed record PendingOperationInfo
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("type_name")]
    public required string TypeName { get; init; }

    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("sub_status")]
    public required string SubStatus { get; init; }

    /// <summary>Only in GET /operations/pending/{id}.</summary>
    [JsonPropertyName("changes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<PendingChangeInfo>? Changes { get; init; }
}

/// <summary>GET /operations/pending.</summary>
public sealed record PendingOperationListResponse
{
    [JsonPropertyName("pendingoperations")]
    public required IReadOnlyList<PendingOperationInfo> PendingOperations { get; init; }
}

/// <summary>POST /operations/pending/cleanup: at most 32 ids; none means every failed operation.</summary>
public sealed record PendingOperationsCleanRequest
{
    [JsonPropertyName("operations")]
    public IReadOnlyList<string>? Operations { get; init; }
}
